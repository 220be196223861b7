/**
 * Preload (`node --import ./tracing.js main.js`): starts OpenTelemetry before koa, pg and node:http
 * load, when OTEL_EXPORTER_OTLP_ENDPOINT is set (see services/shared/tracing.ts). ES modules are
 * instrumented through the import-in-the-middle loader hook the SDK documents. Spans: the HTTP
 * server request (parent taken from a W3C `traceparent` header), koa's middleware and router
 * layers, and each SQL statement on the PostgreSQL server path. The embedded PGlite database
 * has no instrumentation: its statements are not traced.
 */
import { register } from 'node:module';
import { startTracing, tracingEnabled } from '../../shared/tracing.js';

/** Probes and scrapes are not requests worth a trace. */
const UNTRACED_PATHS = new Set(['/livez', '/readyz', '/metrics']);

if (tracingEnabled(process.env)) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  await startTracing('todo-api', async () => {
    const [{ HttpInstrumentation }, { KoaInstrumentation, KoaLayerType }, { PgInstrumentation }] = await Promise.all([
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-koa'),
      import('@opentelemetry/instrumentation-pg'),
    ]);
    return [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? '') }),
      // Router layers name the route; a span per middleware (ten per request) would cost more than it tells.
      new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
      new PgInstrumentation({ requireParentSpan: true }),
    ];
  });
}
