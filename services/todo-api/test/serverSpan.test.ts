import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Router from '@koa/router';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { expect } from 'chai';
import Koa from 'koa';
import { traceLogFields } from '../../shared/trace-context.js';
import { serverSpan } from '../src/http/serverSpan.js';

describe('serverSpan (the request span)', () => {
  const exporter = new InMemorySpanExporter();
  let server: Server;
  let base: string;

  before(async () => {
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
    const router = new Router();
    router.get('/api/tasks/:id', (ctx) => {
      // A span started by the handler (as the pg instrumentation's are) is the request span's child.
      trace.getTracer('test').startSpan('handler work').end();
      // The ids the request's log lines carry (the loggers' mixin).
      ctx.body = { id: ctx.params.id, traceId: traceLogFields().traceId };
    });
    const app = new Koa();
    app.use(serverSpan);
    // As the API's problemJson: errors below become responses before they reach serverSpan.
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch {
        ctx.status = 500;
      }
    });
    app.use(async (ctx, next) => {
      if (ctx.path === '/broken') throw new Error('boom');
      if (ctx.path === '/livez') ctx.body = 'ok';
      await next();
    });
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.close();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  beforeEach(() => exporter.reset());

  it("names the span after the route, records method, path and status, and parents the handler's spans", async () => {
    const response = await fetch(`${base}/api/tasks/42`);
    expect(response.status).to.equal(200);
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(request?.name).to.equal('GET /api/tasks/:id');
    expect(request!.attributes).to.include({
      'http.request.method': 'GET',
      'http.route': '/api/tasks/:id',
      'url.path': '/api/tasks/42',
      'url.scheme': 'http',
      'http.response.status_code': 200,
    });
    expect(request!.status.code).to.equal(SpanStatusCode.UNSET);
    const work = spans.find((span) => span.name === 'handler work');
    expect(work?.parentSpanContext?.spanId).to.equal(request!.spanContext().spanId);
    expect(work!.spanContext().traceId).to.equal(request!.spanContext().traceId);
  });

  it("continues the caller's trace from a W3C traceparent header", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    await fetch(`${base}/api/tasks/7`, { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } });
    const request = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER);
    expect(request!.spanContext().traceId).to.equal(traceId);
    expect(request!.parentSpanContext?.spanId).to.equal(callerSpanId);
  });

  it("records nothing for a request the caller did not sample, yet keeps its trace id for the request's log lines", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const response = await fetch(`${base}/api/tasks/9`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-00` } });
    expect(await response.json()).to.deep.equal({ id: '9', traceId });
    // Neither the request's span nor the handler's: tracing is suppressed below an unsampled request.
    expect(exporter.getFinishedSpans()).to.deep.equal([]);
  });

  it('marks a 5xx answer as an error, and a 4xx (the caller’s mistake) not', async () => {
    expect((await fetch(`${base}/broken`)).status).to.equal(500);
    expect((await fetch(`${base}/no/such/route`)).status).to.equal(404);
    const [broken, missing] = exporter.getFinishedSpans();
    expect(broken).to.deep.include({ name: 'GET' });
    expect(broken!.attributes['http.response.status_code']).to.equal(500);
    expect(broken!.status.code).to.equal(SpanStatusCode.ERROR);
    // No route matched: the span keeps the method as its name, never the raw path (unbounded names).
    expect(missing).to.deep.include({ name: 'GET' });
    expect(missing!.attributes).to.not.have.property('http.route');
    expect(missing!.attributes['http.response.status_code']).to.equal(404);
    expect(missing!.status.code).to.equal(SpanStatusCode.UNSET);
  });

  it('does not trace probes and scrapes', async () => {
    expect((await fetch(`${base}/livez`)).status).to.equal(200);
    await fetch(`${base}/api/tasks/1`);
    expect(exporter.getFinishedSpans().map((span) => span.name)).to.deep.equal(['handler work', 'GET /api/tasks/:id']);
  });
});
