/**
 * Tools shared by the WebSocket abuse suite (test/reliability/gateway-abuse.test.ts) and its long
 * version (soak/gateway-abuse.soak.ts): a gateway in its own measurable process, raw TCP clients
 * that speak just enough HTTP to misbehave, and forged tokens.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createPublicKey, generateKeyPairSync, type webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT, UnsecuredJWT, importPKCS8, type JWK } from 'jose';
import type { GatewayConfig } from '../../services/chat-gateway/src/config.js';
import type { GatewayMeasure } from './gateway-process.js';

export type { GatewayMeasure };

const GATEWAY_PROCESS = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));

export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Memory after a full GC, and open file descriptors, of the gateway process alone. */
  measure(): Promise<GatewayMeasure>;
  /** True while the process runs: a crash makes it false. */
  alive(): boolean;
  /** Graceful close (as on SIGTERM); kills it when that takes longer than 15 s. */
  stop(): Promise<void>;
}

/** Starts a gateway (port 0) in a child process with `--expose-gc`. */
export async function spawnGateway(config: Partial<GatewayConfig>): Promise<GatewayProcess> {
  const child = fork(GATEWAY_PROCESS, [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, GATEWAY_CONFIG: JSON.stringify({ shutdownDelayMs: 0, shutdownGraceMs: 2000, ...config }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const [message] = (await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => Promise.reject(new Error(`gateway exited with ${code}`))),
  ])) as [{ url: string }];
  return {
    url: message.url,
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    async measure() {
      const reply = new Promise<GatewayMeasure>((resolve) => {
        const onMessage = (m: { type: string; measure: GatewayMeasure }) => {
          if (m.type !== 'measure') return;
          child.off('message', onMessage);
          resolve(m.measure);
        };
        child.on('message', onMessage);
      });
      child.send({ type: 'measure' });
      return reply;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A Prometheus counter or gauge from the gateway's /metrics (0 when the series does not exist yet). */
export async function metric(gatewayUrl: string, series: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const escaped = series.replace(/[{}"\\]/g, (c) => `\\${c}`);
  const match = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

export const forcedDisconnects = (gatewayUrl: string, reason: string) =>
  metric(gatewayUrl, `chat_gateway_forced_disconnects_total{reason="${reason}"}`);

/** Polls until `condition` holds; throws naming `what` after `timeoutMs`. Resolves with the time it took. */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** Sends a raw HTTP request and resolves with the status code of the answer (the socket is then destroyed). */
export function rawStatus(gatewayUrl: string, request: string, timeoutMs = 5000): Promise<number> {
  const { port } = new URL(gatewayUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(request));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(request.split('\r\n')[0])}`));
    }, timeoutMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (status) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** An upgrade request as a browser would send it, with `headers` overriding or removing (undefined) any line. */
export function upgradeRequest(headers: Record<string, string | undefined> = {}): string {
  const lines: Record<string, string | undefined> = {
    Host: 'gateway',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  };
  return `GET /ws HTTP/1.1\r\n${Object.entries(lines)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/**
 * Opens `count` raw TCP connections to the gateway, each sending `payload` and then nothing more
 * (and never reading), in batches so the listen backlog is not the thing being measured.
 */
export async function stallingSockets(gatewayUrl: string, count: number, payload: string): Promise<net.Socket[]> {
  const { port } = new URL(gatewayUrl);
  const sockets: net.Socket[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from(
      { length: Math.min(200, count - start) },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(Number(port), '127.0.0.1', () => {
            socket.write(payload);
            socket.pause(); // never read what the gateway answers
            resolve(socket);
          });
          socket.on('error', () => socket.destroy()); // a reset from the gateway is one of the outcomes being tested
          socket.once('error', reject);
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** The claims a real API token carries, for a user. */
export interface Claims {
  sub: string;
  iss?: string;
  aud?: string;
  exp?: number;
}

const now = () => Math.floor(Date.now() / 1000);

/** Signs with the todo-api's real key (from its DATA_DIR) and kid: the forgeries below are judged against these. */
export async function signWithApiKey(dataDir: string, apiUrl: string, claims: Claims): Promise<string> {
  const key = await importPKCS8(await readFile(path.join(dataDir, 'jwt-signing-key.pem'), 'utf8'), 'EdDSA');
  const jwk = await apiJwk(apiUrl);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid!, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(claims.iss ?? 'todo-api')
    .setAudience(claims.aud ?? 'todo-platform')
    .setIssuedAt(now() - 10)
    .setExpirationTime(claims.exp ?? now() + 600)
    .sign(key);
}

async function apiJwk(apiUrl: string): Promise<JWK> {
  const jwks = (await (await fetch(`${apiUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  return jwks.keys[0]!;
}

/**
 * Tokens for `sub` that a correct verifier refuses: each names the attack. Only the first four
 * need no key at all; the others use the API's own key with a claim that must not pass.
 */
export async function forgedTokens(dataDir: string, apiUrl: string, sub: string): Promise<Record<string, string>> {
  const apiKey = await apiJwk(apiUrl);
  const attacker = generateKeyPairSync('ed25519');
  const attackerJwk = attacker.publicKey.export({ format: 'jwk' }) as JWK;
  const body = () =>
    new SignJWT({})
      .setSubject(sub)
      .setIssuer('todo-api')
      .setAudience('todo-platform')
      .setIssuedAt(now() - 10)
      .setExpirationTime(now() + 600);
  const unsigned = new UnsecuredJWT({})
    .setSubject(sub)
    .setIssuer('todo-api')
    .setAudience('todo-platform')
    .setIssuedAt(now() - 10)
    .setExpirationTime(now() + 600)
    .encode();
  const [header, payload] = unsigned.split('.') as [string, string];
  const headerWithKid = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: apiKey.kid })).toString('base64url');
  const publicPem = createPublicKey({ key: apiKey as webcrypto.JsonWebKey, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  }) as string;
  return {
    'alg none': unsigned,
    'alg none with the API kid': `${headerWithKid}.${payload}.`,
    'alg none with a signature part': `${header}.${payload}.${Buffer.from('x').toString('base64url')}`,
    'alg confusion: HS256 keyed with the public JWK': await body()
      .setProtectedHeader({ alg: 'HS256', kid: apiKey.kid! })
      .sign(new TextEncoder().encode(JSON.stringify(apiKey))),
    'alg confusion: HS256 keyed with the public PEM': await body()
      .setProtectedHeader({ alg: 'HS256', kid: apiKey.kid! })
      .sign(new TextEncoder().encode(publicPem)),
    'alg confusion: HS256 keyed with the raw public key': await body()
      .setProtectedHeader({ alg: 'HS256', kid: apiKey.kid! })
      .sign(Buffer.from(apiKey.x!, 'base64url')),
    'wrong kid: attacker key under the API kid': await body()
      .setProtectedHeader({ alg: 'EdDSA', kid: apiKey.kid! })
      .sign(attacker.privateKey),
    'unknown kid: attacker key and kid': await body().setProtectedHeader({ alg: 'EdDSA', kid: 'attacker-key-1' }).sign(attacker.privateKey),
    'embedded jwk header: attacker key': await body()
      .setProtectedHeader({ alg: 'EdDSA', jwk: { kty: attackerJwk.kty!, crv: attackerJwk.crv!, x: attackerJwk.x! } })
      .sign(attacker.privateKey),
    'API key, expired': await signWithApiKey(dataDir, apiUrl, { sub, exp: now() - 60 }),
    'API key, other audience': await signWithApiKey(dataDir, apiUrl, { sub, aud: 'other-service' }),
    'API key, other issuer': await signWithApiKey(dataDir, apiUrl, { sub, iss: 'evil-issuer' }),
    'API token with its signature altered': await (async () => {
      const real = await signWithApiKey(dataDir, apiUrl, { sub });
      const [h, p, s] = real.split('.') as [string, string, string];
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] = bytes[0]! ^ 0xff;
      return `${h}.${p}.${bytes.toString('base64url')}`;
    })(),
    'API token with its payload swapped': await (async () => {
      const real = await signWithApiKey(dataDir, apiUrl, { sub: 'someone-else' });
      const [h, , s] = real.split('.') as [string, string, string];
      return `${h}.${payload}.${s}`;
    })(),
  };
}
