/**
 * The whole platform on one machine, in one terminal (`make dev`): todo-api with its embedded
 * database, chat-gateway, and the web dev server proxying both on one origin. Logs are one
 * readable line each with a coloured service prefix; Ctrl-C (or SIGTERM) stops everything.
 *
 *   npx tsx services/frontend/dev/stack.ts
 *   # env: PORT=3000 API_PORT=8080 GATEWAY_PORT=8081 (0 = any free port) DATA_DIR=.data LOG_LEVEL=info
 *   #      FRONTEND_OUT_DIR=build/frontend WATCH=1 (0: build once); anything else (e.g. SCRYPT_LOG_N) reaches the services
 *
 * Tests call `startDevStack({ port: 0, apiPort: 0, gatewayPort: 0, dataDir })`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startDevServer, type DevServer } from '../dev-server.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface DevStackOptions {
  /**
   * Port of the web origin people open; 0 picks a free one.
   * @default 3000 (design.md: the local stack's origin)
   */
  readonly port?: number;
  /**
   * todo-api port; 0 picks a free one.
   * @default 8080 (design.md port plan)
   */
  readonly apiPort?: number;
  /**
   * chat-gateway port; 0 picks a free one.
   * @default 8081 (design.md port plan)
   */
  readonly gatewayPort?: number;
  /**
   * Where the embedded database (and the local signing key) lives.
   * @default .data at the repository root, so tasks survive a restart
   */
  readonly dataDir?: string;
  /**
   * Log level passed to the services.
   * @default info
   */
  readonly logLevel?: string;
  /**
   * Extra environment for both services (e.g. SCRYPT_LOG_N for fast tests).
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Build output folder of the web app.
   * @default build/frontend
   */
  readonly outDir?: string;
  /**
   * Rebuild the web app when its sources change.
   * @default false (the `make dev` command turns it on; tests want one build)
   */
  readonly watch?: boolean;
  /**
   * Where the prefixed log lines go.
   * @default process.stdout
   */
  readonly output?: NodeJS.WritableStream;
  /**
   * Colour the service prefixes.
   * @default true when output is a terminal and NO_COLOR is unset
   */
  readonly color?: boolean;
  /**
   * How long to wait for every service to report ready.
   * @default 60000 ms (the first embedded-database start initialises the cluster)
   */
  readonly readyTimeoutMs?: number;
}

export interface DevStack {
  /** The URL to open: the web origin with /api, /.well-known and /ws proxied. */
  readonly url: string;
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  /** Resolves when a service exits on its own (the stack is then broken). */
  readonly crashed: Promise<string>;
  /** Stops the services (SIGTERM, then SIGKILL after 10 s) and the web server. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before use: the usual small race, fine for dev and tests). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIPPED_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'v']);

/** One pino JSON line → `12:00:01 INFO  message key=value …`; anything else is passed through. */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    record = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record['time'] === 'number' || typeof record['time'] === 'string' ? new Date(record['time']) : null;
  const clock = time && !Number.isNaN(time.getTime()) ? time.toISOString().slice(11, 19) : '--:--:--';
  const level = typeof record['level'] === 'number' ? (LEVELS[record['level']] ?? String(record['level'])) : String(record['level'] ?? '');
  const extras = Object.entries(record)
    .filter(([key]) => !SKIPPED_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [clock, level.padEnd(5), String(record['msg'] ?? ''), ...extras].filter((part) => part !== '').join(' ');
}

const COLOURS: Readonly<Record<string, string>> = { api: '\u001b[36m', gateway: '\u001b[35m', web: '\u001b[32m', stack: '\u001b[33m' };

function prefixer(output: NodeJS.WritableStream, color: boolean): (service: string, line: string) => void {
  return (service, line) => {
    const label = service.padEnd(7);
    output.write(`${color ? `${COLOURS[service] ?? ''}${label}\u001b[0m` : label} | ${formatLogLine(line)}\n`);
  };
}

async function waitForReady(name: string, url: string, deadline: number, exited: () => string | null): Promise<void> {
  for (;;) {
    const exit = exited();
    if (exit !== null) throw new Error(`${name} exited before it was ready (${exit}); see its log lines above`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready at ${url} in time`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  exit: string | null;
  readonly exited: Promise<string>;
}

function startService(name: string, entry: string, env: NodeJS.ProcessEnv, log: (service: string, line: string) => void): Service {
  // --import resolves 'tsx' from cwd, the repository root, where it is installed; then the
  // service's tracing preload, as in its image (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  const preload = path.join(REPO_ROOT, path.dirname(entry), 'tracing.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', preload, path.join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service: Service = {
    name,
    child,
    exit: null,
    exited: new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        service.exit = signal ? `signal ${signal}` : `exit code ${code}`;
        resolve(service.exit);
      });
      child.once('error', (error) => {
        service.exit = error.message;
        resolve(service.exit);
      });
    }),
  };
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream! }).on('line', (line) => log(name, line));
  return service;
}

async function stopService(service: Service): Promise<void> {
  if (service.exit !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
  await service.exited;
  clearTimeout(timer);
}

/** Starts todo-api, chat-gateway and the web server; resolves once all three are ready. */
export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const output = options.output ?? process.stdout;
  const color = options.color ?? (Boolean((output as { isTTY?: boolean }).isTTY) && !process.env['NO_COLOR']);
  const log = prefixer(output, color);
  const apiPort = options.apiPort === 0 ? await freePort() : (options.apiPort ?? 8080);
  const gatewayPort = options.gatewayPort === 0 ? await freePort() : (options.gatewayPort ?? 8081);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

  const web: DevServer = await startDevServer({
    port: options.port ?? 3000,
    apiUrl,
    gatewayUrl,
    ...(options.outDir ? { outDir: options.outDir } : {}),
    watch: options.watch ?? false,
    log: (line) => log('web', line),
  });
  // The browser's Origin is the web server's, whichever port it got: both services must allow it.
  const origins = [`http://localhost:${web.port}`, `http://127.0.0.1:${web.port}`].join(',');
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: options.logLevel ?? 'info',
    ALLOWED_ORIGINS: origins,
    HOST: '127.0.0.1',
    SHUTDOWN_DELAY_MS: '0', // no load balancer to drain locally: stop at once on Ctrl-C
    SHUTDOWN_GRACE_MS: '2000',
    ...options.env,
  };
  const services: Service[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(services.map(stopService));
    await web.close();
  };
  try {
    services.push(
      startService(
        'api',
        'services/todo-api/src/main.ts',
        {
          ...baseEnv,
          PORT: String(apiPort),
          DATA_DIR: path.resolve(options.dataDir ?? path.join(REPO_ROOT, '.data')),
        },
        log,
      ),
    );
    services.push(
      startService(
        'gateway',
        'services/chat-gateway/src/main.ts',
        {
          ...baseEnv,
          PORT: String(gatewayPort),
          TODO_API_URL: apiUrl,
          // Both start together; re-check the API's readiness often so the gateway is ready soon after it.
          READINESS_INTERVAL_MS: '500',
          ...options.env,
        },
        log,
      ),
    );
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    for (const [service, url] of [
      [services[0]!, `${apiUrl}/readyz`],
      [services[1]!, `${gatewayUrl}/readyz`],
    ] as const) {
      await waitForReady(service.name, url, deadline, () => service.exit);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  log('stack', `ready: open ${web.url}  (todo-api ${apiUrl}, chat-gateway ${gatewayUrl}; Ctrl-C stops all)`);
  let stopping: Promise<void> | null = null;
  const crashed = new Promise<string>((resolve) => {
    for (const s of services) void s.exited.then((reason) => stopping === null && resolve(`${s.name} stopped (${reason})`));
  });
  return {
    url: web.url,
    apiUrl,
    gatewayUrl,
    crashed,
    stop: () => (stopping ??= stopAll()),
  };
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
  return port;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const stack = await startDevStack({
    port: portFromEnv('PORT', 3000),
    apiPort: portFromEnv('API_PORT', 8080),
    gatewayPort: portFromEnv('GATEWAY_PORT', 8081),
    ...(process.env['DATA_DIR'] ? { dataDir: process.env['DATA_DIR'] } : {}),
    ...(process.env['LOG_LEVEL'] ? { logLevel: process.env['LOG_LEVEL'] } : {}),
    ...(process.env['FRONTEND_OUT_DIR'] ? { outDir: process.env['FRONTEND_OUT_DIR'] } : {}),
    watch: process.env['WATCH'] !== '0',
  }).catch((error: Error) => {
    console.error(`make dev failed: ${error.message}`);
    process.exit(1);
  });
  console.log(`\n  Todo is running at ${stack.url}\n`);
  let exitCode = 0;
  const shutdown = (): void => {
    console.log('stopping…');
    void stack.stop().then(() => process.exit(exitCode));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  void stack.crashed.then((reason) => {
    console.error(`${reason}; stopping the stack`);
    exitCode = 1;
    shutdown();
  });
}
