/**
 * One chat action as ONE trace across both services, each run as its production bundle with its
 * image's tracing preload, exporting over OTLP/HTTP (JSON) to a receiver in this test: the
 * browser's traceparent → the gateway's `chat say` span → its HTTP client span → the API's HTTP
 * server span → … → the API's SQL statement span; and the log lines of that action carry the trace id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASE_SERVER, requireOrSkip } from '../../../test/support/requirements.js';
import { backends, type Backend } from '../../todo-api/test/helpers.js';
import { spawnBundle, type ApiProcess } from '../../todo-api/test/childProcess.js';
import { buildGateway } from '../build.js';
import { ChatClient, register } from './helpers.js';

interface ExportedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
}

const SPAN_KIND = { SERVER: 2, CLIENT: 3 };

/** A stand-in collector: the OTLP/HTTP traces endpoint with JSON bodies, keeping every span. */
async function startReceiver(): Promise<{ url: string; spans: ExportedSpan[]; close(): void; closeConnections(): void }> {
  const spans: ExportedSpan[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !request.headers['content-type']?.startsWith('application/json')) {
        response.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = resourceSpans.resource.attributes.find((a: { key: string }) => a.key === 'service.name')?.value.stringValue;
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            const attributes = Object.fromEntries(
              (span.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [a.key, Object.values(a.value)[0]]),
            );
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              attributes,
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => server.close(),
    closeConnections: () => server.closeAllConnections(),
  };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tracing: one chat action is one trace across the gateway and the todo-api', function () {
  this.timeout(120_000);
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let postgres: Backend;
  let api: ApiProcess;
  let gateway: ChildProcess;
  let gatewayUrl: string;
  let gatewayLogs = '';
  let dir: string;

  before(async function () {
    // The pg instrumentation needs the server path; the embedded PGlite has none.
    requireOrSkip(this, Boolean(process.env.DATABASE_URL), DATABASE_SERVER);
    receiver = await startReceiver();
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1',
    };
    postgres = backends().find((backend) => backend.name === 'postgres')!;
    const { databaseUrl } = await postgres.create();
    dir = await mkdtemp(path.join(os.tmpdir(), 'tracing-test-'));
    api = await spawnBundle({
      ...otel,
      DATABASE_URL: databaseUrl!,
      DATA_DIR: path.join(dir, 'api'),
      SCRYPT_LOG_N: '10',
      SHUTDOWN_DELAY_MS: '0',
    });
    await buildGateway(path.join(dir, 'gateway'));
    gateway = spawn(process.execPath, [`--import=${path.join(dir, 'gateway/tracing.mjs')}`, path.join(dir, 'gateway/main.mjs')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        ...otel,
        PORT: '0',
        HOST: '127.0.0.1',
        TODO_API_URL: api.url,
        LOG_LEVEL: 'info',
        SHUTDOWN_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stdout!.on('data', (chunk: Buffer) => {
      gatewayLogs += chunk.toString();
    });
    gateway.stderr!.on('data', (chunk: Buffer) => {
      gatewayLogs += chunk.toString();
    });
    const port = await until(
      'the gateway to listen',
      () => /"port":(\d+),.*"msg":"chat-gateway listening"/.exec(gatewayLogs)?.[1] ?? (gateway.exitCode === null ? undefined : 'exited'),
    );
    if (port === 'exited') throw new Error(`the gateway exited:\n${gatewayLogs}`);
    gatewayUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    for (const child of [gateway, api?.process]) {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    receiver?.close();
    await postgres?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("chains the browser's traceparent, the gateway's message and API call, the API's request and its SQL", async () => {
    const { token } = await register(api.url);
    const chat = await ChatClient.open({ url: gatewayUrl }, token);
    const browserTraceId = 'a'.repeat(31) + '1';
    const browserSpanId = 'b'.repeat(15) + '2';
    chat.ws.send(
      JSON.stringify({
        type: 'say',
        id: 'traced',
        text: 'add buy oat milk',
        timeZone: 'UTC',
        traceparent: `00-${browserTraceId}-${browserSpanId}-01`,
      }),
    );
    const reply = await chat.next((m) => m.id === 'traced');
    chat.close();
    expect(reply.type, JSON.stringify(reply)).to.equal('reply');

    // Spans arrive as each process's batch goes out: wait until the SQL span's ancestry reaches outside the trace.
    const chain = await until('the SQL span of the insert and all its ancestors', () => {
      const spans = receiver.spans.filter((span) => span.traceId === browserTraceId);
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      const sql = spans.find(
        (span) =>
          span.service === 'todo-api' &&
          span.attributes['db.system.name'] === 'postgresql' &&
          /^insert into "tasks"/.test(String(span.attributes['db.query.text'])),
      );
      const found: ExportedSpan[] = [];
      for (let span = sql; span; span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined) found.push(span);
      return found.at(-1)?.parentSpanId === browserSpanId ? found : undefined;
    });
    const byId = new Map(chain.map((span) => [span.spanId, span]));
    const apiServer = chain.find((span) => span.service === 'todo-api' && span.kind === SPAN_KIND.SERVER);
    expect(apiServer, `chain: ${JSON.stringify(chain.map((s) => [s.service, s.name]))}`).to.not.equal(undefined);
    expect(apiServer!.attributes['http.route'] ?? apiServer!.attributes['url.path'] ?? apiServer!.attributes['http.target']).to.match(
      /\/api\/tasks/,
    );
    // The API's part: the statement right under the request's server span, named after the route;
    // no pool checkout spans (ignoreConnectSpans).
    const apiPart = chain.filter((span) => span.service === 'todo-api');
    expect(apiPart.map((span) => span.kind)).to.deep.equal([SPAN_KIND.CLIENT, SPAN_KIND.SERVER]);
    expect(apiServer).to.include({ name: 'POST /api/tasks' });
    expect(apiServer!.attributes).to.include({
      'http.route': '/api/tasks',
      'http.request.method': 'POST',
      'http.response.status_code': 201,
    });
    const inTrace = receiver.spans.filter((span) => span.traceId === browserTraceId && span.service === 'todo-api');
    expect(inTrace.map((span) => span.name).filter((name) => name.endsWith('.connect'))).to.deep.equal([]);
    const gatewayClient = byId.get(apiServer!.parentSpanId!);
    expect(gatewayClient).to.include({ service: 'chat-gateway', kind: SPAN_KIND.CLIENT });
    const say = byId.get(gatewayClient!.parentSpanId!);
    expect(say).to.include({ service: 'chat-gateway', name: 'chat say', kind: SPAN_KIND.SERVER, parentSpanId: browserSpanId });
    expect(say!.attributes['chat.message.id']).to.equal('traced');
    // The chain ends at the say span, whose parent is the browser's span.
    expect(chain.at(-1)).to.equal(say);

    // The log lines of that action carry the trace id next to the request id.
    const apiLine = await until('the API access log line', () =>
      api
        .output()
        .split('\n')
        .find((line) => line.includes('"msg":"request"') && line.includes('"method":"POST"') && line.includes('"path":"/api/tasks"')),
    );
    expect(JSON.parse(apiLine)).to.include({ traceId: browserTraceId });
    expect(JSON.parse(apiLine).reqId).to.be.a('string');
    const gatewayLine = gatewayLogs.split('\n').find((line) => line.includes('"msg":"replied"'));
    expect(JSON.parse(gatewayLine!)).to.include({ traceId: browserTraceId, spanId: say!.spanId });
    expect(JSON.parse(gatewayLine!).requestId).to.be.a('string');
  });

  it('starts a trace of its own for a say message without trace context', async () => {
    const { token } = await register(api.url);
    const chat = await ChatClient.open({ url: gatewayUrl }, token);
    expect((await chat.say('show my tasks')).type).to.equal('reply');
    chat.close();
    const say = await until('the say span', () =>
      receiver.spans.find((span) => span.name === 'chat say' && span.attributes['chat.message.id'] === 'm1' && !span.parentSpanId),
    );
    await until('the API server span in the same trace', () =>
      receiver.spans.find((span) => span.traceId === say.traceId && span.service === 'todo-api' && span.kind === SPAN_KIND.SERVER),
    );
  });

  it('still exits 0, within seconds, on SIGTERM when the collector is gone (the last flush gives up quietly)', async () => {
    receiver.close();
    receiver.closeConnections();
    const { token } = await register(api.url);
    for (const child of [gateway, api.process]) {
      // A request's spans still batched at SIGTERM: the flush on the way out has something to send.
      expect((await fetch(`${api.url}/api/tasks`, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(200);
      child.kill('SIGTERM');
      const stopping = Date.now();
      const [code] = await once(child, 'exit');
      expect(code, child === gateway ? gatewayLogs : api.output()).to.equal(0);
      expect(Date.now() - stopping, 'the flush gives up after 2 s').to.be.below(5000);
    }
  });
});
