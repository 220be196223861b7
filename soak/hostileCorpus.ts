import net from 'node:net';
import { sleep } from './harness.js';
import { httpMessage, rawRequest, type RawReply } from './rawHttp.js';

/**
 * A corpus of malformed and malicious HTTP requests against the todo-api, used by
 * test/reliability/hostile-input.test.ts (three rounds) and soak/hostile-input.ts (many).
 */

export const SQL = [
  `' OR '1'='1`,
  `'; DROP TABLE tasks; --`,
  `" OR ""="`,
  `1; SELECT pg_sleep(5)--`,
  `' UNION SELECT id, email, password_hash FROM users--`,
  `\\'; COPY users TO PROGRAM 'id'; --`,
  `$$; select 1; $$`,
  `%' AND 1=1 --`,
  `_%`,
];
export const UNICODE = [
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\u202eevil\u202c',
  '\u200b\u200c\u200d\ufeff',
  'nul\u0000byte',
  '\u0000',
  '𝕋'.repeat(100),
  'é'.repeat(200),
  'e\u0301'.repeat(150),
  '\u{10FFFF}',
  '\uFFFE\uFFFF',
  'A\u0308\u0308\u0308\u0308\u0308'.repeat(40),
];

/**
 * Methods Node parses but no router implements. Kept out of the corpus rounds and checked on
 * their own, because they are a known todo-api defect (500 today; see hostile-input.test.ts).
 */
export const UNIMPLEMENTED_METHODS = ['TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'SEARCH', 'PURGE'];

/** CONNECT is handed to the server's 'connect' event; with no listener Node closes the socket, which is the right answer. */
export const CLOSED_WITHOUT_ANSWER = new Set(['CONNECT /api/tasks']);

export interface Case {
  readonly name: string;
  readonly bytes: Buffer;
  readonly timeoutMs?: number;
}

/** Every case, built for one user's token and one of their task ids. */
export function hostileCorpus(token: string, taskId: string): Case[] {
  const auth = { Authorization: `Bearer ${token}` };
  const json = { ...auth, 'Content-Type': 'application/json' };
  const cases: Case[] = [];
  const add = (name: string, method: string, url: string, headers: Record<string, string>, body?: Buffer | string, timeoutMs?: number) =>
    cases.push({ name, bytes: httpMessage(method, url, headers, body), ...(timeoutMs ? { timeoutMs } : {}) });

  // JSON bombs: deep nesting, huge arrays, bodies far over the 64 KiB limit.
  add('array nesting 10k', 'POST', '/api/tasks', json, '['.repeat(10_000) + ']'.repeat(10_000));
  add('object nesting 10k', 'POST', '/api/tasks', json, '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
  add('title nested 10k deep', 'POST', '/api/tasks', json, `{"title":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
  add('array nesting 100k (over limit)', 'POST', '/api/tasks', json, '['.repeat(100_000) + ']'.repeat(100_000));
  add(
    'huge tags array (30k)',
    'POST',
    '/api/tasks',
    json,
    JSON.stringify({ title: 't', tags: Array.from({ length: 12_000 }, (_, i) => `t${i}`) }).slice(0, 65_000) + '"]}',
  );
  add('huge number array', 'POST', '/api/tasks', json, `{"title":"t","tags":[${'9,'.repeat(30_000)}9]}`);
  // Announces 8 MiB but sends 64 KiB: the answer must come from Content-Length alone (nothing
  // buffered), and a client still writing would see its connection reset before reading it.
  cases.push({
    name: 'announced 8 MiB body',
    bytes: Buffer.concat([
      Buffer.from(
        `POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${8 * 2 ** 20}\r\n\r\n`,
      ),
      Buffer.from(`{"title":"${'x'.repeat(64 * 1024)}`),
    ]),
  });
  // A 1 MiB chunk with no length up front, of which 128 KiB is sent: the limit must trip on the
  // bytes read so far (sending all of it would race the server's reset against reading its answer).
  add(
    'chunked body past the limit',
    'POST',
    '/api/tasks',
    { ...json, 'Transfer-Encoding': 'chunked' },
    `100000\r\n${'['.repeat(128 * 1024)}`,
    10_000,
  );
  add('many keys', 'POST', '/api/tasks', json, `{${Array.from({ length: 6000 }, (_, i) => `"k${i}":1`).join(',')}}`);
  // Huge numbers.
  for (const value of [
    '1e999',
    '-1e999',
    '1e308',
    '123456789012345678901234567890',
    '-0',
    '0.0000000000000000000000001',
    '1.7976931348623157e309',
  ]) {
    add(`number ${value} as priority`, 'POST', '/api/tasks', json, `{"title":"n","priority":${value}}`);
    add(`number ${value} as dueAt`, 'POST', '/api/tasks', json, `{"title":"n","dueAt":${value}}`);
    add(`number ${value} as completed`, 'PATCH', `/api/tasks/${taskId}`, json, `{"completed":${value}}`);
    add(`limit=${value}`, 'GET', `/api/tasks?limit=${encodeURIComponent(value)}`, auth);
    add(`chat limit=${value}`, 'GET', `/api/chat/messages?limit=${encodeURIComponent(value)}`, auth);
  }
  add('dueAt year 275760+', 'POST', '/api/tasks', json, '{"title":"d","dueAt":"+275761-01-01T00:00:00Z"}');
  add('dueAt year 0', 'POST', '/api/tasks', json, '{"title":"d","dueAt":"0000-01-01T00:00:00Z"}');
  // Unicode edge cases in every string field, escaped and raw.
  for (const text of UNICODE) {
    const escaped = JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    add(`unicode ${escaped} in task`, 'POST', '/api/tasks', json, `{"title":${escaped},"description":${escaped},"tags":[${escaped}]}`);
    add(`unicode ${escaped} in patch`, 'PATCH', `/api/tasks/${taskId}`, json, `{"title":${escaped}}`);
    add(
      `unicode ${escaped} in register`,
      'POST',
      '/api/auth/register',
      { 'Content-Type': 'application/json' },
      `{"email":${escaped},"password":${escaped}}`,
    );
    add(`unicode ${escaped} in chat`, 'POST', '/api/chat/messages', json, `{"messages":[{"role":"user","text":${escaped}}]}`);
    add(
      `unicode ${escaped} in q`,
      'GET',
      `/api/tasks?q=${[...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`,
      auth,
    );
  }
  add(
    'raw invalid UTF-8 bytes',
    'POST',
    '/api/tasks',
    json,
    Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  );
  add(
    'UTF-8 BOM before JSON',
    'POST',
    '/api/tasks',
    json,
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"title":"bom"}')]),
  );
  add(
    'UTF-16 body',
    'POST',
    '/api/tasks',
    { ...auth, 'Content-Type': 'application/json; charset=utf-16' },
    Buffer.from('{"title":"u16"}', 'utf16le'),
  );
  add('lone %ED%A0%80 in q', 'GET', '/api/tasks?q=%ED%A0%80', auth);
  add('%00 in path id', 'GET', '/api/tasks/%00', auth);
  add('malformed percent in path', 'GET', '/api/tasks/%E0%A4%A', auth);
  add('malformed percent in query', 'GET', '/api/tasks?q=%', auth);
  // SQL injection in every field, in q, cursor, status, limit and the id.
  for (const sql of SQL) {
    const s = JSON.stringify(sql);
    const e = encodeURIComponent(sql);
    add(
      `sql ${sql} in task fields`,
      'POST',
      '/api/tasks',
      json,
      `{"title":${s},"description":${s},"tags":[${s}],"priority":${s},"dueAt":${s}}`,
    );
    add(`sql ${sql} in patch`, 'PATCH', `/api/tasks/${taskId}`, json, `{"title":${s},"completed":${s}}`);
    add(`sql ${sql} in login`, 'POST', '/api/auth/login', { 'Content-Type': 'application/json' }, `{"email":${s},"password":${s}}`);
    add(
      `sql ${sql} in register`,
      'POST',
      '/api/auth/register',
      { 'Content-Type': 'application/json' },
      `{"email":${JSON.stringify(`${sql}@example.com`)},"password":"long enough password"}`,
    );
    add(`sql ${sql} in chat`, 'POST', '/api/chat/messages', json, `{"messages":[{"role":${s},"text":${s}}]}`);
    add(`sql ${sql} in q`, 'GET', `/api/tasks?q=${e}`, auth);
    add(`sql ${sql} in cursor`, 'GET', `/api/tasks?cursor=${e}`, auth);
    add(`sql ${sql} base64 cursor`, 'GET', `/api/tasks?cursor=${Buffer.from(sql).toString('base64url')}`, auth);
    add(`sql ${sql} in status`, 'GET', `/api/tasks?status=${e}`, auth);
    add(`sql ${sql} in limit`, 'GET', `/api/tasks?limit=${e}`, auth);
    add(`sql ${sql} in id (GET)`, 'GET', `/api/tasks/${e}`, auth);
    add(`sql ${sql} in id (DELETE)`, 'DELETE', `/api/tasks/${e}`, auth);
  }
  for (const bad of ['{"v":1,"seq":"1 or 1=1"}', '{"v":1,"seq":-1}', '{"v":99}', '{"__proto__":{"v":1}}', 'null', '[]']) {
    add(`crafted cursor ${bad}`, 'GET', `/api/tasks?cursor=${Buffer.from(bad).toString('base64url')}`, auth);
  }
  // Header injection and smuggling attempts.
  add('CR LF in X-Request-Id', 'GET', '/livez', { 'X-Request-Id': 'abc\r\nSet-Cookie: injected=1' });
  add('bare CR in header value', 'GET', '/livez', { 'X-Request-Id': 'abc\rdef' });
  add('bare LF in header value', 'GET', '/api/tasks', { ...auth, 'X-Request-Id': 'abc\ndef' });
  add('NUL in header value', 'GET', '/api/tasks', { ...auth, 'X-Request-Id': 'a\u0000b' });
  add('CR LF in Authorization', 'GET', '/api/me', { Authorization: `Bearer ${token}\r\nX-Admin: 1` });
  add('encoded CR LF in path', 'GET', '/api/tasks/%0d%0aSet-Cookie:%20injected=1', auth);
  add('encoded CR LF in q', 'GET', '/api/tasks?q=%0d%0aSet-Cookie:%20injected=1', auth);
  add('two Content-Length', 'POST', '/api/tasks', { ...json, 'Content-Length': '5' }, '{"title":"x"}');
  add('Content-Length and chunked', 'POST', '/api/tasks', { ...json, 'Transfer-Encoding': 'chunked' }, '0\r\n\r\n');
  add('bad chunk size', 'POST', '/api/tasks', { ...json, 'Transfer-Encoding': 'chunked' }, 'zz\r\nabc\r\n0\r\n\r\n');
  add('obs-fold header', 'GET', '/api/tasks', { ...auth, 'X-Folded': 'a\r\n b' });
  add('absolute-form URL', 'GET', 'http://evil.example/api/tasks', auth);
  add('request line garbage', 'G\u0000T', '/', {});
  add('HTTP/0.9 style', 'GET', '/api/tasks\r\n', {});
  // Oversized headers.
  add('one 20 KiB header', 'GET', '/api/tasks', { ...auth, 'X-Big': 'a'.repeat(20 * 1024) });
  add('15 KiB Authorization', 'GET', '/api/tasks', { Authorization: `Bearer ${'a'.repeat(15 * 1024)}` });
  add('15 KiB X-Request-Id', 'GET', '/livez', { 'X-Request-Id': 'a'.repeat(15 * 1024) });
  add('2000 small headers', 'GET', '/api/tasks', {
    ...auth,
    ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`X-H${i}`, 'v'])),
  });
  add('64 KiB URL', 'GET', `/api/tasks?q=${'a'.repeat(64 * 1024)}`, auth);
  add('2 KiB q', 'GET', `/api/tasks?q=${'%25'.repeat(700)}`, auth);
  // Wrong content types.
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json-patch+json',
    'application/jsonx',
    '*/*',
    '',
  ]) {
    add(`content-type "${type}"`, 'POST', '/api/tasks', { ...auth, 'Content-Type': type }, '{"title":"typed"}');
  }
  add('no content-type with body', 'POST', '/api/tasks', auth, '{"title":"untyped"}');
  add('XML body as JSON', 'POST', '/api/tasks', json, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>');
  add('form body as JSON', 'POST', '/api/tasks', json, 'title=x&__proto__[polluted]=1');
  add('empty body as JSON', 'POST', '/api/tasks', json, '');
  add('JSON scalar body', 'POST', '/api/tasks', json, '"just a string"');
  add('JSON null body', 'POST', '/api/tasks', json, 'null');
  add('trailing garbage', 'POST', '/api/tasks', json, '{"title":"x"} {"title":"y"}');
  // Duplicate keys.
  add('duplicate title', 'POST', '/api/tasks', json, '{"title":"first","title":"second"}');
  add('duplicate title, second invalid', 'POST', '/api/tasks', json, '{"title":"ok","title":123}');
  add('duplicate completed', 'PATCH', `/api/tasks/${taskId}`, json, '{"completed":false,"completed":"yes"}');
  add(
    'duplicate email',
    'POST',
    '/api/auth/login',
    { 'Content-Type': 'application/json' },
    '{"email":"a@example.com","email":{"$ne":null},"password":"x"}',
  );
  // Prototype pollution attempts everywhere a body or query is read.
  const pollution = [
    '{"title":"p","__proto__":{"polluted":"yes","completed":true,"isAdmin":true}}',
    '{"title":"p","constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":{"title":"from prototype"}}',
    '{"title":"p","tags":["a"],"__proto__":[]}',
  ];
  for (const body of pollution) {
    add(`pollution ${body} POST`, 'POST', '/api/tasks', json, body);
    add(`pollution ${body} PATCH`, 'PATCH', `/api/tasks/${taskId}`, json, body);
    add(`pollution ${body} register`, 'POST', '/api/auth/register', { 'Content-Type': 'application/json' }, body);
    add(`pollution ${body} chat`, 'POST', '/api/chat/messages', json, `{"messages":[${body}]}`);
  }
  add('pollution in query', 'GET', '/api/tasks?__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__.polluted=yes', auth);
  add('pollution in id', 'GET', '/api/tasks/__proto__', auth);
  add('constructor as id', 'PATCH', '/api/tasks/constructor', json, '{"title":"x"}');
  // Odd methods (TRACE, PROPFIND: see UNIMPLEMENTED_METHODS) and routes.
  for (const method of ['PUT', 'OPTIONS', 'HEAD']) add(`${method} /api/tasks`, method, '/api/tasks', auth);
  add('path traversal', 'GET', '/api/../../etc/passwd', auth);
  add('double slash', 'GET', '//api//tasks', auth);
  add('CONNECT /api/tasks', 'CONNECT', '127.0.0.1:1', auth);
  return cases;
}

/** Connections that send their headers, then one body byte at a time, far slower than any client. */
export async function slowBodies(url: string, token: string, connections: number, trickleMs: number): Promise<{ livezMs: number[] }> {
  const { hostname, port } = new URL(url);
  const sockets = Array.from({ length: connections }, () => {
    const socket = net.connect(Number(port), hostname);
    socket.on('error', () => {});
    socket.write(
      `POST /api/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"title":"`,
    );
    return socket;
  });
  // A slow-header connection as well (slowloris proper).
  const slowHeader = net.connect(Number(port), hostname);
  slowHeader.on('error', () => {});
  slowHeader.write('GET /api/tasks HTTP/1.1\r\nHost: x\r\n');
  const livezMs: number[] = [];
  const started = Date.now();
  for (let tick = 0; tick < 100 && Date.now() - started < trickleMs; tick++) {
    for (const socket of sockets) socket.write('a');
    slowHeader.write(`X-${tick}: a\r\n`);
    const probeStart = performance.now();
    const reply = await fetch(`${url}/livez`, { signal: AbortSignal.timeout(3000) });
    await reply.arrayBuffer();
    livezMs.push(performance.now() - probeStart);
    await sleep(200);
  }
  for (const socket of [...sockets, slowHeader]) socket.destroy();
  return { livezMs };
}

/** Problems found by one pass over the corpus. */
export interface CorpusPass {
  readonly fiveHundreds: string[];
  readonly noAnswer: string[];
  readonly requests: number;
}

/** Sends every case once, one at a time, and records 5xx answers and missing answers. */
export async function runCorpus(url: string, token: string, taskId: string): Promise<CorpusPass> {
  const fiveHundreds: string[] = [];
  const noAnswer: string[] = [];
  const cases = hostileCorpus(token, taskId);
  for (const item of cases) {
    const reply: RawReply = await rawRequest(url, item.bytes, item.timeoutMs ?? 5000);
    if (reply.status === null) {
      if (!CLOSED_WITHOUT_ANSWER.has(item.name)) noAnswer.push(item.name);
    } else if (reply.status >= 500) {
      fiveHundreds.push(`${item.name} → ${reply.status} ${reply.text.slice(0, 300)}`);
    }
  }
  return { fiveHundreds, noAnswer, requests: cases.length };
}
