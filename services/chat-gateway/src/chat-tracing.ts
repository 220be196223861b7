/**
 * One span per say message, the root of that chat action's trace on the gateway (or a child of
 * the browser's, when the message carries `traceparent`). The API calls made while answering run
 * inside it, so the HTTP instrumentation sends its context on to the todo-api. A no-op until the
 * tracing preload has started the SDK.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import type { SayMessage } from '../../shared/chat-protocol.js';

const tracer = trace.getTracer('chat-gateway');

/** Runs `answer` inside a `chat say` span whose parent is the message's own trace context, if any. */
export function traceSay(message: SayMessage, answer: () => Promise<void>): Promise<void> {
  const carrier = {
    ...(message.traceparent ? { traceparent: message.traceparent } : {}),
    ...(message.tracestate ? { tracestate: message.tracestate } : {}),
  };
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  return tracer.startActiveSpan(
    'chat say',
    { kind: SpanKind.SERVER, attributes: { 'chat.message.id': message.id } },
    parent,
    async (span) => {
      try {
        await answer();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
