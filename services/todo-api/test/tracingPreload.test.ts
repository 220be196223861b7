import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sqlStatementInstrumentation } from '../src/tracing.js';
import { spawnBundle, type ApiProcess } from './childProcess.js';

/** The names of a process's threads (Node names a worker thread's "WorkerThread"). */
function threadNames(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((task) => readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim());
}

describe('tracing preload: SQL statement spans', () => {
  it('patches the pg client only: pg-pool would count connections on every checkout for metrics nothing exports', async () => {
    const instrumentation = await sqlStatementInstrumentation();
    expect(instrumentation.getModuleDefinitions().map((module) => module.name)).to.deep.equal(['pg']);
  });

  it('makes statement spans only inside a request span, and no connect spans', async () => {
    const instrumentation = await sqlStatementInstrumentation();
    expect(instrumentation.getConfig()).to.include({ requireParentSpan: true, ignoreConnectSpans: true });
  });
});

describe('tracing preload in the image bundle: one span export thread', function () {
  this.timeout(120_000);
  let collector: http.Server;
  let api: ApiProcess | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-api-tracing-'));

  before(async () => {
    collector = http.createServer((request, response) => request.resume().on('end', () => response.end('{}')));
    collector.listen(0, '127.0.0.1');
    await new Promise((resolve) => collector.once('listening', resolve));
  });

  after(() => {
    api?.process.kill('SIGKILL');
    collector.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the export thread once: the thread runs the preload too, and does not trace (nor start a thread) itself', async () => {
    api = await spawnBundle({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      DATA_DIR: dataDir,
    });
    // Long enough for a thread started by the export thread to have started in turn.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(threadNames(api.pid).filter((name) => name === 'WorkerThread')).to.have.length(1);
  });
});
