// What the todo-api benchmarks share: the API's settings, a user with a page of tasks, the
// sampling ratio prod traces at, and a stand-in for the trace collector.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ENVIRONMENTS } from '../../../charts/config.js';

/** Production settings (info logs, default pool), except limits a benchmark must not hit. */
export function benchApiEnv(database: string, temp: string, host = '127.0.0.1'): Record<string, string> {
  return {
    DATABASE_URL: database,
    PORT: '0',
    HOST: host,
    LOG_LEVEL: 'info',
    SCRYPT_LOG_N: '14',
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    DATA_DIR: path.join(temp, 'data'),
    SHUTDOWN_DELAY_MS: '0',
  };
}

/** Registers the benchmark's user and gives it 60 tasks (a GET returns a full page of 50); returns its token. */
export async function seedBenchUser(apiUrl: string): Promise<string> {
  const register = await fetch(`${apiUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'benchmark password' }),
  });
  const { token } = (await register.json()) as { token: string };
  for (let i = 0; i < 60; i++) {
    await fetch(`${apiUrl}/api/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `seed ${i}`, tags: ['bench'] }),
    });
  }
  return token;
}

/** The sampling ratio prod runs with: the setting whose cost the tracing target is about. */
export function prodSampleRatio(): number {
  const ratio = ENVIRONMENTS.find((environment) => environment.name === 'prod')?.tracing?.sampleRatio;
  if (ratio === undefined) throw new Error('charts/config.ts: prod has no tracing sampleRatio to measure');
  return ratio;
}

/** The standard OTEL_* settings that trace a process at `ratio` into `sinkUrl`. */
export function tracingEnv(sinkUrl: string, ratio: number): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) };
}

export interface TraceSink {
  readonly url: string;
  /** Spans received so far. */
  spans(): number;
  close(): void;
}

/**
 * Stands in for the trace collector: takes OTLP/HTTP exports and counts their spans, so a traced
 * API pays for batching, encoding and sending as in production.
 */
export async function startTraceSink(): Promise<TraceSink> {
  let spans = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      spans += Buffer.concat(chunks).toString('utf8').split('"spanId"').length - 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans: () => spans, close: () => server.close() };
}
