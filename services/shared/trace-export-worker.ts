/**
 * The thread that sends the services' spans to the collector (see worker-span-exporter.ts): it
 * takes OTLP/JSON request bodies already serialized by the main thread and posts them with
 * OpenTelemetry's own OTLP/HTTP transport, which reads the standard OTEL_EXPORTER_OTLP_* settings
 * (endpoint, headers, timeout, compression) and retries as the stock exporter does.
 */
import { parentPort } from 'node:worker_threads';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';

/** One batch to send: its OTLP/JSON body and how many spans it holds. */
export interface ExportRequest {
  readonly id: number;
  readonly body: Uint8Array;
  readonly spans: number;
}

/** The outcome of one batch: an ExportResultCode and, on failure, why. */
export interface ExportReply {
  readonly id: number;
  readonly code: number;
  readonly error?: string;
}

type SerializedBatch = Pick<ExportRequest, 'body' | 'spans'>;

const delegate = createOtlpHttpExportDelegate<SerializedBatch, unknown>(
  convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/json' }),
  // The body is serialized already; the collector's answer (partial success) is read as usual.
  { serializeRequest: (batch) => batch.body, deserializeResponse: (data) => JsonTraceSerializer.deserializeResponse(data) },
  'otlp_http_span_exporter',
  { name: 'span', countItems: (batch) => batch.spans },
  undefined,
);

const port = parentPort;
if (!port) throw new Error('trace-export-worker runs as a worker thread of worker-span-exporter.ts');
port.on('message', ({ id, body, spans }: ExportRequest) => {
  delegate.export({ body, spans }, (result) => {
    const reply: ExportReply = { id, code: result.code, ...(result.error ? { error: result.error.message } : {}) };
    port.postMessage(reply);
  });
});
