/**
 * Preload (`node --import ./tracing.js main.js`): starts OpenTelemetry before koa, pg and node:http
 * load, when OTEL_EXPORTER_OTLP_ENDPOINT is set (see services/shared/tracing.ts). Spans: the HTTP
 * server request (parent taken from a W3C `traceparent` header), one koa router span per request
 * (named after the route; app.ts makes each route one middleware), and each SQL statement on the
 * PostgreSQL server path. The embedded PGlite database has no instrumentation: its statements are
 * not traced.
 *
 * No ES-module loader hook (import-in-the-middle): the three instrumented modules are CommonJS
 * behind thin ESM wrappers (koa's dist/koa.mjs, pg's esm/index.mjs re-export the CommonJS
 * objects), so requiring them here lets require-in-the-middle patch those objects in place
 * (koa's prototype, pg's Client.prototype, node:http), and the bundle's later `import` gets the
 * same, patched objects. The hook would instead run every module of the process through a loader
 * thread (start-up, and on Node >= 22 every later require() too) for nothing.
 */
import { createRequire } from 'node:module';
import { startTracing, tracingEnabled } from '../../shared/tracing.js';

/** Probes and scrapes are not requests worth a trace. */
const UNTRACED_PATHS = new Set(['/livez', '/readyz', '/metrics']);

if (tracingEnabled(process.env)) {
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
      // A pool checkout span per statement (pg-pool.connect) doubled the SQL spans; a wait for a
      // connection still shows as the gap before the statement's span.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ];
  });
  const require = createRequire(import.meta.url);
  for (const instrumented of ['node:http', 'node:https', 'koa', 'pg']) require(instrumented);
}
