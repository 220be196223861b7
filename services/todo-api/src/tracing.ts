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
import type { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { PgInstrumentationConfig } from '@opentelemetry/instrumentation-pg';
import { startTracing, tracingEnabled } from '../../shared/tracing.js';

/**
 * A span per SQL statement, made inside a request's span only (`requireParentSpan`: an unsampled
 * request runs without one, see serverSpan). The `pg` module alone is patched, not `pg-pool`: its
 * patch makes no span here (`ignoreConnectSpans`: a checkout span per statement doubled the SQL
 * spans; a wait for a connection still shows as the gap before the statement's span), and it
 * would add four listeners to the pool, run on every checkout and release of every request,
 * sampled or not, to count connections for OpenTelemetry metrics this service does not export
 * (its metrics are prom-client's, on /metrics). Patching pg-pool read as ~4 % of the API's CPU at
 * prod's 10 % sampling in one side-by-side run (about as much as that host's noise).
 */
export async function sqlStatementInstrumentation(): Promise<InstrumentationBase<PgInstrumentationConfig>> {
  const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
  class SqlStatementInstrumentation extends PgInstrumentation {
    protected override init(): InstrumentationNodeModuleDefinition[] {
      return super.init().filter((module) => module.name === 'pg');
    }
  }
  return new SqlStatementInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true });
}

if (tracingEnabled(process.env)) {
  await startTracing('todo-api', async () => [await sqlStatementInstrumentation()]);
  createRequire(import.meta.url)('pg');
}
