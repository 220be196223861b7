/**
 * OpenTelemetry tracing for the Node services, configured only by the standard OTEL_* variables
 * so any collector works. Tracing is on when an OTLP endpoint is set and OTEL_SDK_DISABLED is not
 * `true`; otherwise nothing is loaded (no SDK, no exporter, no instrumentation: near-zero cost).
 *
 * Each service's `tracing.ts` is a `--import` preload that calls `startTracing` before the
 * instrumented modules load. Spans go out over OTLP/HTTP with JSON bodies (every collector's
 * OTLP/HTTP receiver on :4318 takes them), sent from a worker thread (worker-span-exporter.ts);
 * sampling is the SDK's OTEL_TRACES_SAMPLER(_ARG).
 */
import { isMainThread } from 'node:worker_threads';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** The samplers the SDK knows (OTEL_TRACES_SAMPLER); anything else fails start-up. */
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/**
 * Whether tracing is on; throws, naming the variable and value, on a setting the SDK would only warn
 * about. Never in a worker thread: the span export thread runs the process's preloads too, and must
 * not start a tracer (and another export thread) of its own.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  const disabled = env.OTEL_SDK_DISABLED;
  if (disabled !== undefined && disabled !== '' && disabled !== 'true' && disabled !== 'false') {
    throw new Error(`OTEL_SDK_DISABLED must be true or false, got ${JSON.stringify(disabled)}`);
  }
  const sampler = env.OTEL_TRACES_SAMPLER;
  if (sampler && !SAMPLERS.includes(sampler)) {
    throw new Error(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}, got ${JSON.stringify(sampler)}`);
  }
  const ratio = env.OTEL_TRACES_SAMPLER_ARG;
  if (ratio && !(Number(ratio) >= 0 && Number(ratio) <= 1)) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio in [0, 1], got ${JSON.stringify(ratio)}`);
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return disabled !== 'true' && Boolean(endpoint) && isMainThread;
}

/**
 * Starts the SDK: a tracer provider (resource `service.name` from OTEL_SERVICE_NAME, else
 * `serviceName`), a batch processor exporting over OTLP/HTTP from a worker thread, the W3C
 * trace-context propagator, the AsyncLocalStorage context manager, and the given
 * instrumentations. Loaded lazily so a service without tracing never loads the SDK.
 */
export async function startTracing(serviceName: string, instrumentations: () => Promise<Instrumentation[]>): Promise<void> {
  const [{ NodeTracerProvider, BatchSpanProcessor }, { WorkerSpanExporter }, resources, { registerInstrumentations }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('./worker-span-exporter.js'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
  ]);
  const resource = resources
    .resourceFromAttributes({ 'service.name': serviceName })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new WorkerSpanExporter())] });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: await instrumentations() });
}
