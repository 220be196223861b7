/**
 * Preload (`node --import ./tracing.mjs main.mjs`): starts OpenTelemetry before the gateway's
 * modules load, when OTEL_EXPORTER_OTLP_ENDPOINT is set (see services/shared/tracing.ts). The
 * gateway's only instrumented module is node:http (its calls to the todo-api, which then carry
 * `traceparent`); the per-message spans are the gateway's own (chat-tracing.ts). The image is one
 * bundle without node_modules, so no loader hook: node:http is patched in place by requiring it
 * once here, which every later `import http from 'node:http'` shares.
 */
import { createRequire } from 'node:module';
import { startTracing, tracingEnabled } from '../../shared/tracing.js';

if (tracingEnabled(process.env)) {
  await startTracing('chat-gateway', async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    // The upgrade request is not a chat action: each say message gets its own trace instead.
    return [new HttpInstrumentation({ ignoreIncomingRequestHook: () => true })];
  });
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
}
