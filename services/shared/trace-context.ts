/**
 * The active trace as the services' code sees it, through @opentelemetry/api alone (a no-op
 * until a service's tracing preload has started the SDK).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { trace, type ProxyTracerProvider } from '@opentelemetry/api';

/** pino `mixin`: every log line written inside a traced request carries its trace and span ids. */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/**
 * Sends the spans still batched; call before process.exit so the last requests' traces are not
 * lost. Never rejects, and gives up after `timeoutMs`: a collector that is down (the exporter
 * retries for ~10 s) must neither crash nor stall a shutdown.
 */
export async function flushTraces(timeoutMs = 2000): Promise<void> {
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as { forceFlush?: () => Promise<void> };
  if (!provider.forceFlush) return;
  await Promise.race([provider.forceFlush().catch(() => undefined), sleep(timeoutMs, undefined, { ref: false })]);
}
