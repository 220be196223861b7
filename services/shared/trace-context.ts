/**
 * The active trace as the services' code sees it, through @opentelemetry/api alone (a no-op
 * until a service's tracing preload has started the SDK).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { context, createContextKey, trace, type Context, type ProxyTracerProvider, type Span, type SpanContext } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/** The ids of an unsampled request's span, kept for its log lines only. */
const UNSAMPLED_SPAN = createContextKey('todo-platform unsampled request span');

/**
 * The context an unsampled request runs in: without its span and with tracing suppressed, so
 * instrumentations that need a parent span (pg's `requireParentSpan`) skip their per-statement
 * work for spans the sampler would drop anyway, and no code below can start a new trace; the
 * span's ids stay, for the request's log lines.
 */
export function unsampledRequestContext(parent: Context, span: Span): Context {
  return suppressTracing(trace.deleteSpan(parent)).setValue(UNSAMPLED_SPAN, span.spanContext());
}

/** pino `mixin`: every log line written inside a request, sampled or not, carries its trace and span ids. */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const active = context.active();
  const spanContext = trace.getSpan(active)?.spanContext() ?? (active.getValue(UNSAMPLED_SPAN) as SpanContext | undefined);
  if (!spanContext) return {};
  const { traceId, spanId } = spanContext;
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
