/**
 * Preload (`node --import ./tracing.js main.js`): starts OpenTelemetry before pg loads, when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (see services/shared/tracing.ts). Spans: the request's server
 * span, made by the app's `serverSpan` middleware (parent taken from a W3C `traceparent` header,
 * named after the route), and each SQL statement on the PostgreSQL server path. The embedded
 * PGlite database has no instrumentation: its statements are not traced.
 *
 * No ES-module loader hook (import-in-the-middle): pg is CommonJS behind a thin ESM wrapper (its
 * esm/index.mjs re-exports the CommonJS objects), so requiring it here lets require-in-the-middle
 * patch Client.prototype in place, and the bundle's later `import` gets the same, patched object.
 * The hook would instead run every module of the process through a loader thread for nothing.
 */
import { createRequire } from 'node:module';
import { startTracing, tracingEnabled } from '../../shared/tracing.js';

if (tracingEnabled(process.env)) {
  await startTracing('todo-api', async () => {
    const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
    // A pool checkout span per statement (pg-pool.connect) doubled the SQL spans; a wait for a
    // connection still shows as the gap before the statement's span.
    return [new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true })];
  });
  createRequire(import.meta.url)('pg');
}
