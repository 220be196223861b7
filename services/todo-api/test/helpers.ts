import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startTodoApi, type TodoApiConfig, type TodoApiHandle } from '../src/server.js';

/** Where a suite's data lives: a temp PGlite dir, or a fresh database on the PostgreSQL server. */
export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** Allocates an isolated store; returns config overrides pointing at it. */
  create(): Promise<Partial<TodoApiConfig>>;
  /** Frees everything `create` made. */
  cleanup(): Promise<void>;
}

/** Low scrypt cost and limits far above what tests send, so only the rate-limit tests hit 429. */
export const TEST_CONFIG: Partial<TodoApiConfig> = {
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  scryptLogN: 10,
  loginRateLimit: 1_000_000,
  authIpRateLimit: 1_000_000,
  apiRateLimitPerMinute: 1_000_000,
  loginLockout: { failuresBeforeLockout: 1000, lockoutBaseSeconds: 1, lockoutMaxSeconds: 1 },
};

export function serverUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

export function databaseUrlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs SQL on the server's maintenance database (the one DATABASE_URL names). */
export async function adminQuery(text: string, values: unknown[] = [], url = serverUrl()!): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

function pgliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'pglite',
    async create() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'todo-api-test-'));
      dirs.push(dir);
      // Explicitly no server, even when DATABASE_URL is in the environment.
      return { dataDir: dir, databaseUrl: undefined };
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

function postgresBackend(base: string): Backend {
  const databases: string[] = [];
  return {
    name: 'postgres',
    async create() {
      const name = `todo_api_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      await adminQuery(`create database ${name}`);
      databases.push(name);
      return { databaseUrl: databaseUrlFor(base, name), dataDir: 'memory://' };
    },
    async cleanup() {
      for (const name of databases.splice(0)) await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

/** PGlite always; the PostgreSQL server too when DATABASE_URL is set (CI runs both). */
export function backends(): Backend[] {
  const base = serverUrl();
  return base ? [pgliteBackend(), postgresBackend(base)] : [pgliteBackend()];
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON responses, read field by field
  readonly body: any;
}

export interface RequestOptions {
  readonly token?: string;
  readonly json?: unknown;
  readonly raw?: string | Buffer;
  readonly headers?: Record<string, string>;
}

/** A real HTTP request; parses JSON and problem+json bodies. */
export async function call(base: string, method: string, url: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  const response = await fetch(base + url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: /json/.test(type) && text ? JSON.parse(text) : text };
}

let userCounter = 0;
export async function registerUser(base: string): Promise<{ token: string; email: string; password: string }> {
  const email = `user${++userCounter}.${randomBytes(3).toString('hex')}@example.com`;
  const password = 'correct horse battery';
  const reply = await call(base, 'POST', '/api/auth/register', { json: { email, password } });
  if (reply.status !== 201) throw new Error(`register failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { token: reply.body.token, email, password };
}

/** Starts a server on a backend's fresh store with test settings plus `overrides`. */
export async function startOn(backend: Backend, overrides: Partial<TodoApiConfig> = {}): Promise<TodoApiHandle> {
  return startTodoApi({ ...TEST_CONFIG, ...(await backend.create()), ...overrides });
}

/** Reads a text/event-stream response and resolves events as they arrive. */
export class EventReader {
  private buffer = '';
  private readonly events: { event: string; data: string }[] = [];
  private waiters: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(private readonly response: Response) {
    this.done = this.pump();
  }

  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? (block.startsWith(':') ? 'comment' : 'message');
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? block;
          this.events.push({ event, data });
        }
        for (const wake of this.waiters.splice(0)) wake();
      }
    } catch {
      /* aborted by the test */
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits for the next event matching `name`, consuming earlier ones. */
  async next(name: string, timeoutMs = 5000): Promise<{ event: string; data: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e) => e.event === name);
      if (index >= 0) return this.events.splice(0, index + 1).pop()!;
      if (Date.now() > deadline) throw new Error(`no '${name}' event within ${timeoutMs} ms`);
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  pending(name: string): number {
    return this.events.filter((e) => e.event === name).length;
  }
}

export async function openEvents(base: string, token: string, signal: AbortSignal): Promise<{ response: Response; reader: EventReader }> {
  const response = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal });
  return { response, reader: new EventReader(response) };
}
