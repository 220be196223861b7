import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, importPKCS8 } from 'jose';
import WebSocket from 'ws';
import { startTodoApi, type TodoApiHandle } from '../../todo-api/src/server.js';
import type { GatewayConfig } from '../src/config.js';
import type { ChatMessage, Task } from '../src/todo-api-client.js';
import { startChatGateway, type ChatGateway, type GatewayDependencies } from '../src/server.js';

export const ORIGIN = 'http://localhost:3000';

export interface ApiStack {
  readonly api: TodoApiHandle;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** A real todo-api on PGlite in a temp DATA_DIR (slow to start: share one per test file). */
export async function startApi(): Promise<ApiStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'chat-gateway-test-'));
  const api = await startTodoApi({
    // PGlite in our own temp dir even when DATABASE_URL is set (CI sets it for the API's own suites).
    databaseUrl: undefined,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    scryptLogN: 10,
    loginRateLimit: 1_000_000,
    authIpRateLimit: 1_000_000,
    apiRateLimitPerMinute: 1_000_000,
    shutdownDelayMs: 0,
  });
  return {
    api,
    dataDir,
    async stop() {
      await api.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let shared: Promise<ApiStack> | undefined;
/**
 * One todo-api for the test files that only need *an* API (each user registers fresh), started on
 * first use and stopped when the whole run ends: PGlite's start is most of a file's run time.
 */
export function sharedApi(): Promise<ApiStack> {
  return (shared ??= startApi());
}
// A root-level hook (this module is loaded with the spec files): runs once, after every suite.
after(async () => {
  if (shared) await (await shared).stop();
});

export interface Stack {
  readonly api: TodoApiHandle;
  readonly dataDir: string;
  readonly gateway: ChatGateway;
  /** Sits between this gateway and the API; `hang()` makes the API look stuck, `pass()` heals it. */
  readonly link: ApiLink;
  stop(): Promise<void>;
}

/** A gateway (port 0) talking to the shared API through its own ApiLink. */
export async function startGateway(
  apiStack: ApiStack,
  overrides: Partial<GatewayConfig> = {},
  deps: GatewayDependencies = {},
): Promise<Stack> {
  const link = await ApiLink.start(apiStack.api.port);
  const gateway = await startChatGateway(
    {
      port: 0,
      host: '127.0.0.1',
      todoApiUrl: link.url,
      logLevel: 'silent',
      apiTimeoutMs: 1000,
      readinessIntervalMs: 200,
      eventsRetryMinMs: 50,
      eventsRetryMaxMs: 500,
      shutdownDelayMs: 0,
      ...overrides,
    },
    deps,
  );
  return {
    api: apiStack.api,
    dataDir: apiStack.dataDir,
    gateway,
    link,
    async stop() {
      await gateway.close();
      link.close();
    },
  };
}

/** A TCP relay to the API that can be told to swallow traffic, so the API seems to hang. */
export class ApiLink {
  private hanging = false;
  private delayMs = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly url: string,
  ) {}

  static async start(apiPort: number): Promise<ApiLink> {
    const server = net.createServer((client) => {
      const upstream = net.connect(apiPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        link.sockets.add(s);
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
        s.on('close', () => {
          link.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (chunk) => {
        if (link.hanging) return;
        if (link.delayMs > 0) setTimeout(() => upstream.write(chunk), link.delayMs);
        else upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (!link.hanging) client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const link = new ApiLink(server, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    return link;
  }

  hang(): void {
    this.hanging = true;
  }
  /** Holds every request to the API this long before passing it on (0: at once), so a call stays in flight. */
  delay(ms: number): void {
    this.delayMs = ms;
  }
  /** Cuts every open connection, as an API restart or a network blip would. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }
  pass(): void {
    this.hanging = false;
  }
  close(): void {
    this.server.close();
    for (const s of this.sockets) s.destroy();
  }
}

let accounts = 0;
export async function register(apiUrl: string): Promise<{ email: string; token: string }> {
  const email = `user${process.pid}-${Date.now()}-${++accounts}@example.com`;
  const response = await fetch(`${apiUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple' }),
  });
  if (response.status !== 201) throw new Error(`register answered ${response.status}: ${await response.text()}`);
  return { email, token: ((await response.json()) as { token: string }).token };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON responses, read field by field
type JsonBody = any;

export async function apiCall(
  apiUrl: string,
  token: string,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: JsonBody }> {
  const response = await fetch(`${apiUrl}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.status === 204 ? undefined : await response.json() };
}

/** A token signed with the API's own key but with claims of our choosing (e.g. already expired). */
export async function signWithApiKey(stack: Stack, claims: { sub: string; exp: number }): Promise<string> {
  const key = await importPKCS8(await readFile(path.join(stack.dataDir, 'jwt-signing-key.pem'), 'utf8'), 'EdDSA');
  const jwks = (await (await fetch(`${stack.api.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: jwks.keys[0]!.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer('todo-api')
    .setAudience('todo-platform')
    .setIssuedAt(claims.exp - 3600)
    .setExpirationTime(claims.exp)
    .sign(key);
}

export interface Message {
  type: string;
  id?: string;
  text?: string;
  code?: string;
  tasks?: Task[];
  messages?: ChatMessage[];
  message?: string;
}

/** A real `ws` client that buffers what it receives so tests can wait for a given message. */
export class ChatClient {
  private readonly inbox: Message[] = [];
  private readonly waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  private seq = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Message;
      const waiter = this.waiters.findIndex((w) => w.match(message));
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(message);
      else this.inbox.push(message);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(gateway: Pick<ChatGateway, 'url'>, token: string, origin: string = ORIGIN): Promise<ChatClient> {
    const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws`, ['todo-chat.v1', `bearer.${token}`], { origin });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new ChatClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  next(match: (m: Message) => boolean = () => true, timeoutMs = 5000): Promise<Message> {
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching message within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Sends a say message and resolves with the reply (or error) carrying its id. */
  say(text: string, timeZone = 'UTC'): Promise<Message> {
    const id = `m${++this.seq}`;
    this.ws.send(JSON.stringify({ type: 'say', id, text, timeZone }));
    return this.next((m) => (m.type === 'reply' || m.type === 'error') && m.id === id);
  }

  close(): void {
    this.ws.close();
  }
}

/** The HTTP status an upgrade is refused with (the socket never opens). */
export function upgradeStatus(
  gateway: Pick<ChatGateway, 'url'>,
  protocols: string[],
  origin: string | undefined = ORIGIN,
): Promise<number> {
  const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws`, protocols, origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode!);
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}
