import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineDescription, recordResults } from '../bench/results.js';
import { adminQuery, databaseUrlFor } from '../services/todo-api/test/helpers.js';

/** Shared by the quick reliability tests (test/reliability) and the soak scripts. */

const TODO_API_MAIN = fileURLToPath(new URL('../services/todo-api/src/main.ts', import.meta.url));

/** Bound on how long a child may take to log "listening" (initdb or tsx on a busy 2-core machine). */
const START_TIMEOUT_MS = 90_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is true; throws after `timeoutMs`. Returns the time taken. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 50, what = 'condition'): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check().catch(() => false)) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** One todo-api as a child process, run exactly as `npm run api` runs it (node --import tsx main.ts). */
export interface ApiChild {
  readonly process: ChildProcess;
  readonly url: string;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr (JSON log lines). */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  readonly exited: Promise<number | null>;
}

/** Settings every child gets: loopback only, cheap scrypt, limits far above what the load sends. */
const CHILD_DEFAULTS: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  SCRYPT_LOG_N: '10',
  LOGIN_RATE_LIMIT: '1000000',
  AUTH_IP_RATE_LIMIT: '1000000',
  API_RATE_LIMIT_PER_MINUTE: '100000000',
};

export async function spawnTodoApi(env: Record<string, string>): Promise<ApiChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', TODO_API_MAIN], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...CHILD_DEFAULTS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let partial = '';
  // Keep every line but the per-request access log of successful requests: a soak sends
  // hundreds of thousands, and what the checks need are warnings, errors and lifecycle lines.
  const keep = (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (/"msg":"request"/.test(line) && !/"status":5\d\d/.test(line)) continue;
      output += `${line}\n`;
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const started = Date.now();
  for (;;) {
    const port = /"port":(\d+)[^\n]*"msg":"todo-api listening"/.exec(output)?.[1];
    if (port) return { process: child, url: `http://127.0.0.1:${port}`, pid: child.pid!, output: () => output, exited };
    if (child.exitCode !== null) throw new Error(`todo-api exited early (${child.exitCode}):\n${output}`);
    if (Date.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`todo-api did not start within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await sleep(50);
  }
}

/** Kills a child that is still running (test cleanup) and waits for it. */
export async function killChild(child: ApiChild | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGKILL');
  await child.exited;
}

/**
 * Lines that show a server fault: an access-log entry with a 5xx other than a deliberate 503
 * (draining, database down) or 501 (unimplemented method), a fatal entry, an unhandled application error not caused by a
 * malformed request, or anything that is not a JSON log line (a crash's stack trace).
 */
export function serverFaultLines(child: ApiChild): string[] {
  return child
    .output()
    .split('\n')
    .filter((line) => {
      if (!line.startsWith('{')) return line.trim() !== '';
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; status?: number; err?: { code?: string } };
        // 503 (draining, database down) and 501 (a method no route implements) are deliberate answers.
        if (entry.msg === 'request') return entry.status! >= 500 && entry.status !== 503 && entry.status !== 501;
        // HPE_* errors are Node's HTTP parser rejecting what a client sent (a body cut short):
        // the client got its 4xx, the API merely logs them at error level.
        const clientCaused = entry.err?.code?.startsWith('HPE_') === true;
        return entry.level! >= 60 || (entry.msg === 'unhandled application error' && !clientCaused);
      } catch {
        return true;
      }
    });
}

/** A fresh, uniquely named database on the PostgreSQL server; `drop()` removes it. */
export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(serverUrl: string, purpose: string): Promise<ScratchDatabase> {
  const name = `reliability_${purpose}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`, [], serverUrl);
  return {
    name,
    url: databaseUrlFor(serverUrl, name),
    drop: () => adminQuery(`drop database if exists ${name} with (force)`, [], serverUrl).then(() => undefined),
  };
}

/** A todo-api child on its own store; `stop()` kills it and frees the store. */
export interface StoredChild {
  readonly child: ApiChild;
  stop(): Promise<void>;
}

/**
 * Starts a todo-api child on a scratch database of the PostgreSQL server in DATABASE_URL, or,
 * without one, on embedded PGlite in a fresh temp directory.
 */
export async function spawnOnScratchStore(purpose: string, env: Record<string, string> = {}): Promise<StoredChild> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const database = await createScratchDatabase(server, purpose);
    const child = await spawnTodoApi({ ...env, DATABASE_URL: database.url }).catch(async (error: unknown) => {
      await database.drop();
      throw error;
    });
    return {
      child,
      stop: async () => {
        await killChild(child);
        await database.drop();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `reliability-${purpose}-`));
  const child = await spawnTodoApi({ ...env, DATA_DIR: dataDir }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    child,
    stop: async () => {
      await killChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every replica must sign with the same key, or a token from one fails on the other. */
export function sharedSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The child's resident set size as it reports it on /metrics (prom-client default metric). */
export async function residentBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const value = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text)?.[1];
  if (!value) throw new Error('process_resident_memory_bytes missing from /metrics');
  return Number(value);
}

/** The machine, with its load: soak figures depend on what else the cores were doing. */
export function machine(): string {
  return `${machineDescription()}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join('/')}`;
}

export interface Row {
  readonly measure: string;
  readonly target: string;
  readonly figure: string;
  readonly met: boolean;
}

/** The markdown table every soak script prints. */
export function markdownTable(title: string, rows: readonly Row[]): string {
  return [
    `### ${title}`,
    '',
    `Machine: ${machine()}`,
    '',
    '| measure | target | figure | met |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.measure} | ${r.target} | ${r.figure} | ${r.met ? 'yes' : '**NO**'} |`),
    '',
  ].join('\n');
}

/**
 * Prints the table and appends the rows to $BENCH_RESULTS (bench/results.ts) when set, so the
 * soak figures can join the one benchmark table. Returns whether every target was met.
 */
export function report(area: string, title: string, rows: readonly Row[]): boolean {
  console.log(markdownTable(title, rows));
  recordResults(
    rows.map((r) => ({
      area,
      what: r.measure,
      target: r.target,
      figure: r.figure,
      pass: r.target === '—' ? null : r.met,
    })),
  );
  return rows.every((r) => r.met);
}
