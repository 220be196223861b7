import pino, { type DestinationStream, type Logger } from 'pino';
import { traceLogFields } from '../../shared/trace-context.js';

/**
 * Drops `rawPacket` from a serialized error and its causes: Node's HTTP parser attaches the bytes
 * of the request it failed on, bearer tokens and passwords included.
 */
function withoutRawPacket(serialized: Record<string, unknown>): Record<string, unknown> {
  const { rawPacket: _dropped, cause, ...rest } = serialized;
  return cause && typeof cause === 'object' ? { ...rest, cause: withoutRawPacket(cause as Record<string, unknown>) } : rest;
}

/** The service's logger: JSON lines with the trace id, secrets redacted, raw request bytes never written. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'todo-api' },
    mixin: traceLogFields,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'databaseUrl'],
      censor: '[redacted]',
    },
    serializers: { err: (error: Error) => withoutRawPacket(pino.stdSerializers.err(error) as unknown as Record<string, unknown>) },
  };
  return destination ? pino(options, destination) : pino(options);
}
