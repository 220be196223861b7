import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { WorkerSpanExporter } from '../worker-span-exporter.js';

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
}

/** A collector's OTLP/HTTP receiver that answers every request with `status` and keeps what it got. */
async function startCollector(status: number): Promise<{ url: string; received: Received[]; close(): void }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'] });
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => server.close() };
}

/** Finished spans named `names`, as a span processor hands them to an exporter. */
function finishedSpans(...names: string[]): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('test');
  for (const name of names) tracer.startSpan(name).end();
  return memory.getFinishedSpans();
}

/** An exporter whose thread starts with these OTEL_* settings (a worker copies process.env when it starts). */
function exporterWith(env: Record<string, string>): WorkerSpanExporter {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return new WorkerSpanExporter();
  } finally {
    for (const name of Object.keys(env)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

const exported = (exporter: WorkerSpanExporter, spans: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));

type Collector = Awaited<ReturnType<typeof startCollector>>;

/**
 * Runs `body` with a collector answering `status` and an exporter whose endpoint is that collector
 * (and `env`'s other OTEL_* settings); shuts both down afterwards, whatever `body` did.
 */
async function withExporter(
  status: number,
  env: Record<string, string>,
  body: (exporter: WorkerSpanExporter, collector: Collector) => Promise<void>,
) {
  const collector = await startCollector(status);
  const exporter = exporterWith({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, ...env });
  try {
    await body(exporter, collector);
  } finally {
    await exporter.shutdown();
    collector.close();
  }
}

describe('WorkerSpanExporter (OTLP/HTTP from a worker thread)', () => {
  it('sends a batch as OTLP/JSON to the endpoint and with the headers the OTEL_* variables set, and reports success', () =>
    withExporter(200, { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=platform' }, async (exporter, collector) => {
      const result = await exported(exporter, finishedSpans('first', 'second'));
      expect(result.code).to.equal(ExportResultCode.SUCCESS);
      expect(collector.received).to.have.length(1);
      const [{ headers, body }] = collector.received;
      expect(headers['content-type']).to.equal('application/json');
      expect(headers['x-tenant']).to.equal('platform');
      const names = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)));
      expect(names).to.have.members(['first', 'second']);
    }));

  it('reports a batch the collector refuses as failed, with the reason', () =>
    withExporter(400, {}, async (exporter) => {
      const result = await exported(exporter, finishedSpans('refused'));
      expect(result.code).to.equal(ExportResultCode.FAILED);
      expect(result.error?.message).to.match(/400|Bad Request/);
    }));

  it('waits in forceFlush for the batches in flight, and fails at once after shutdown', () =>
    withExporter(200, {}, async (exporter, collector) => {
      const results: ExportResult[] = [];
      exporter.export(finishedSpans('a'), (result) => results.push(result));
      exporter.export(finishedSpans('b'), (result) => results.push(result));
      await exporter.forceFlush();
      expect(results.map((result) => result.code)).to.deep.equal([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
      await exporter.shutdown();
      const late = await exported(exporter, finishedSpans('late'));
      expect(late.code).to.equal(ExportResultCode.FAILED);
      expect(collector.received).to.have.length(2);
    }));

  it('does not keep an idle process alive', () => {
    const module = fileURLToPath(new URL('../worker-span-exporter.ts', import.meta.url));
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { WorkerSpanExporter } from ${JSON.stringify(module)}; new WorkerSpanExporter();`,
      ],
      { timeout: 15_000, encoding: 'utf8' },
    );
    expect(child.error, 'the process was still running after 15 s').to.equal(undefined);
    expect(child.status, child.stderr).to.equal(0);
  });
});
