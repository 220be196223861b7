/**
 * WebSocket abuse against the chat-gateway, long version (issue 7; the quick part is
 * test/reliability/gateway-abuse.test.ts): more connections, longer floods, many slow readers, and
 * the gateway's own timeouts for connections that never finish. Prints a markdown table (target,
 * figure, machine) and exits 1 on any miss. Rows are also appended to $BENCH_RESULTS when set.
 *
 *   ulimit -n 20000 && npx tsx soak/gateway-abuse.soak.ts      (about 4 minutes)
 *
 * Knobs (env): SOAK_STALLED (8000), SOAK_REFUSED (4000), SOAK_FLOOD_SECONDS (60), SOAK_FLOODERS (200),
 * SOAK_SLOW_READERS (50), SOAK_FREE_WAIT_S (100: how long to wait for the gateway to drop stalled sockets).
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import os from 'node:os';
import WebSocket from 'ws';
import { machineDescription, percentile, recordResults } from '../bench/results.js';
import { apiCall, ChatClient, register, startApi, upgradeStatus } from '../services/chat-gateway/test/helpers.js';
import {
  forcedDisconnects,
  forgedTokens,
  metric,
  spawnGateway,
  stallingSockets,
  upgradeRequest,
  waitFor,
  type GatewayProcess,
} from '../test/reliability/abuse.js';

const STALLED = Number(process.env.SOAK_STALLED ?? 8000);
const REFUSED = Number(process.env.SOAK_REFUSED ?? 4000);
const FLOOD_SECONDS = Number(process.env.SOAK_FLOOD_SECONDS ?? 60);
const FLOODERS = Number(process.env.SOAK_FLOODERS ?? 200);
const SLOW_READERS = Number(process.env.SOAK_SLOW_READERS ?? 50);
const FREE_WAIT_S = Number(process.env.SOAK_FREE_WAIT_S ?? 100);
const MiB = 1024 * 1024;
const execFileAsync = promisify(execFile);
const LEGITIMATE_CHATTER = fileURLToPath(new URL('./legitimate-chatter.ts', import.meta.url));
/** Same tolerances as the quick suite, for the same reasons (freed pages kept by V8/glibc; per-user caches). */
const RSS_TOLERANCE = 64 * MiB;
const HEAP_TOLERANCE = 8 * MiB;
const FD_TOLERANCE = 20;
/** Node's headersTimeout (60 s) plus the 30 s interval at which the HTTP server checks it. */
const STALLED_FREE_TARGET_S = 90;

interface Row {
  what: string;
  target: string;
  figure: string;
  pass: boolean | null;
}
const rows: Row[] = [];
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
if (fdLimit < STALLED + REFUSED + 2000)
  throw new Error(`open-file limit ${fdLimit} is too low for ${STALLED + REFUSED} sockets; run \`ulimit -n 20000\` first`);

const apiStack = await startApi();
const gateways: GatewayProcess[] = [];
try {
  const gateway = await spawnGateway({ todoApiUrl: apiStack.api.url });
  gateways.push(gateway);
  const legit = await register(apiStack.api.url);
  /** Connect, get history, one reply, close: the time a legitimate user waits. */
  const legitRoundTrip = async (): Promise<number> => {
    const started = performance.now();
    const client = await ChatClient.open(gateway, legit.token);
    await client.next((m) => m.type === 'history');
    await client.say('help');
    const ms = performance.now() - started;
    client.close();
    await client.closed;
    return ms;
  };
  await legitRoundTrip();
  const baseline = await gateway.measure();

  // 1. Connections that never finish: stalled mid-headers, and refused upgrades never read nor closed.
  {
    const stalled = await stallingSockets(
      gateway.url,
      STALLED,
      'GET /ws HTTP/1.1\r\nHost: gateway\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n',
    );
    const refused = await stallingSockets(
      gateway.url,
      REFUSED,
      upgradeRequest({ 'Sec-WebSocket-Protocol': 'todo-chat.v1, bearer.not-a-token' }),
    );
    const held = await gateway.measure();
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) samples.push(await legitRoundTrip());
    rows.push({
      what: `legitimate connect + history + reply while ${STALLED} sockets stall mid-headers and ${REFUSED} refused upgrades are never read (p99 of 10)`,
      target: '< 1000 ms',
      figure: `${percentile(samples, 99).toFixed(0)} ms (gateway holding ${held.fdsOutsidePool - baseline.fdsOutsidePool} extra descriptors, RSS +${mib(held.rssBytes - baseline.rssBytes)})`,
      pass: percentile(samples, 99) < 1000,
    });
    // The clients keep every socket open (and read nothing), so only the gateway can free them: watch its descriptors.
    const started = Date.now();
    let stalledFreedAfter = NaN;
    let allFreedAfter = NaN;
    let fds = held.fdsOutsidePool;
    while (Date.now() - started < FREE_WAIT_S * 1000 && Number.isNaN(allFreedAfter)) {
      await new Promise((r) => setTimeout(r, 1000));
      fds = (await gateway.measure()).fdsOutsidePool;
      const seconds = (Date.now() - started) / 1000;
      if (Number.isNaN(stalledFreedAfter) && fds <= baseline.fdsOutsidePool + REFUSED + FD_TOLERANCE) stalledFreedAfter = seconds;
      if (fds <= baseline.fdsOutsidePool + FD_TOLERANCE) allFreedAfter = seconds;
    }
    const extra = fds - baseline.fdsOutsidePool;
    rows.push({
      what: `gateway drops ${STALLED} connections stalled mid-headers, the clients keeping them open`,
      target: `all within ${STALLED_FREE_TARGET_S} s`,
      figure: Number.isNaN(stalledFreedAfter)
        ? `not after ${FREE_WAIT_S} s (${extra} extra descriptors)`
        : `after ${stalledFreedAfter.toFixed(0)} s`,
      pass: stalledFreedAfter <= STALLED_FREE_TARGET_S,
    });
    rows.push({
      what: `gateway drops ${REFUSED} refused upgrades (401 written) whose clients never read nor close`,
      target: `all within ${STALLED_FREE_TARGET_S} s`,
      figure: Number.isNaN(allFreedAfter)
        ? `not after ${FREE_WAIT_S} s: ${extra} descriptors still held`
        : `after ${allFreedAfter.toFixed(0)} s`,
      pass: allFreedAfter <= STALLED_FREE_TARGET_S,
    });
    for (const socket of [...stalled, ...refused]) socket.destroy();
    const freedMs = await waitFor(
      'descriptors back',
      async () => (await gateway.measure()).fdsOutsidePool <= baseline.fdsOutsidePool + FD_TOLERANCE,
      30_000,
    ).catch(() => NaN);
    rows.push({
      what: 'descriptors back to baseline once those clients go',
      target: '< 5 s',
      figure: Number.isNaN(freedMs) ? 'not within 30 s' : `${freedMs} ms`,
      pass: freedMs < 5000,
    });
  }

  // 2. Floods: FLOODERS sockets flooding for FLOOD_SECONDS, reconnecting after each 1008, while a user chats.
  {
    const users = await Promise.all(Array.from({ length: Math.ceil(FLOODERS / 10) }, () => register(apiStack.api.url)));
    const closeCodes = new Map<number, number>();
    const deadline = Date.now() + FLOOD_SECONDS * 1000;
    const before = await forcedDisconnects(gateway.url, 'rate_limit');
    const cpuBefore = await metric(gateway.url, 'process_cpu_seconds_total');
    let peakRss = 0;
    let peakLoopLag = 0;
    const flooder = async (i: number) => {
      while (Date.now() < deadline) {
        const client = await ChatClient.open(gateway, users[i % users.length]!.token).catch(() => undefined);
        if (!client) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        for (let n = 0; n < 300 && client.ws.readyState === WebSocket.OPEN; n++)
          client.ws.send(JSON.stringify({ type: 'flood', id: `f${n}` }));
        const { code } = await client.closed;
        closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    // The gateway's own view (prom-client, over the last scrape interval): independent of this busy load generator.
    const monitor = async () => {
      while (Date.now() < deadline) {
        peakRss = Math.max(peakRss, await metric(gateway.url, 'process_resident_memory_bytes'));
        peakLoopLag = Math.max(peakLoopLag, await metric(gateway.url, 'nodejs_eventloop_lag_p99_seconds'));
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const chatter = execFileAsync(process.execPath, ['--import', 'tsx', LEGITIMATE_CHATTER, gateway.url, legit.token, String(deadline)], {
      encoding: 'utf8',
    }).then(({ stdout }) => (JSON.parse(stdout) as { samples: number[] }).samples);
    const [samples] = await Promise.all([chatter, monitor(), ...Array.from({ length: FLOODERS }, (_, i) => flooder(i))]);
    const cpuAfter = await metric(gateway.url, 'process_cpu_seconds_total');
    const cycles = [...closeCodes.values()].reduce((a, b) => a + b, 0);
    rows.push({
      what: `${FLOODERS} sockets flooding for ${FLOOD_SECONDS} s (reconnecting after each close): closed with 1008`,
      target: 'every flood cycle',
      figure: `${closeCodes.get(1008) ?? 0}/${cycles} cycles (codes ${JSON.stringify(Object.fromEntries(closeCodes))}); rate_limit disconnects counted +${(await forcedDisconnects(gateway.url, 'rate_limit')) - before}`,
      pass: cycles > 0 && closeCodes.get(1008) === cycles,
    });
    rows.push({
      what: 'a legitimate user\'s "help" round trip during the flood (p99, measured in a process of its own)',
      target: '< 250 ms',
      figure: `${percentile(samples, 99).toFixed(0)} ms (p50 ${percentile(samples, 50).toFixed(0)}, ${samples.length} replies); gateway peak RSS ${mib(peakRss)}, CPU ${((cpuAfter - cpuBefore) / FLOOD_SECONDS).toFixed(2)} core, event-loop lag p99 at most ${(peakLoopLag * 1000).toFixed(0)} ms`,
      pass: percentile(samples, 99) < 250,
    });
  }

  // 3. Forgeries, repeated.
  {
    const victim = await register(apiStack.api.url);
    const victimId = (await apiCall(apiStack.api.url, victim.token, 'GET', '/api/me')).body.id as string;
    let attempts = 0;
    let successes = 0;
    for (let round = 0; round < 50; round++) {
      for (const token of Object.values(await forgedTokens(apiStack.dataDir, apiStack.api.url, victimId))) {
        attempts++;
        if ((await upgradeStatus(gateway, ['todo-chat.v1', `bearer.${token}`]).catch(() => 101)) !== 401) successes++;
      }
    }
    rows.push({
      what: `forged tokens on the upgrade (${attempts} attempts: alg none, alg confusion, wrong/unknown kid, embedded jwk, expired, other audience/issuer, tampered)`,
      target: '0 successes',
      figure: `${successes} successes`,
      pass: successes === 0,
    });
  }

  // 4. Many slow readers at once, on a gateway whose rate limit is out of the way (the buffer bound alone must hold).
  {
    const open = await spawnGateway({
      todoApiUrl: apiStack.api.url,
      rateLimitBurst: 100_000,
      rateLimitPerSecond: 100_000,
      rateLimitStrikes: 100_000,
      maxConnectionsPerUser: SLOW_READERS,
    });
    gateways.push(open);
    const before = await open.measure();
    const reader = await register(apiStack.api.url);
    const clients = await Promise.all(Array.from({ length: SLOW_READERS }, () => ChatClient.open(open, reader.token)));
    await Promise.all(clients.map((c) => c.next((m) => m.type === 'history')));
    const frame = JSON.stringify({ type: 'z'.repeat(15 * 1024), id: 'r' });
    let peakRss = before.rssBytes;
    const sampler = setInterval(
      () =>
        void metric(open.url, 'process_resident_memory_bytes').then(
          (rss) => (peakRss = Math.max(peakRss, rss)),
          () => undefined,
        ),
      100,
    );
    await Promise.all(
      clients.map(async (client) => {
        (client.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
        client.ws.on('error', () => {
          /* reset while sending */
        });
        for (let i = 0; i < 4000 && client.ws.readyState === WebSocket.OPEN; i++) {
          client.ws.send(frame);
          if (i % 100 === 99) await new Promise((r) => setTimeout(r, 10));
        }
      }),
    );
    const cut = await waitFor(
      'slow readers cut',
      async () => (await forcedDisconnects(open.url, 'slow_consumer')) >= SLOW_READERS,
      60_000,
    ).then(
      () => SLOW_READERS,
      async () => forcedDisconnects(open.url, 'slow_consumer'),
    );
    clearInterval(sampler);
    const bound = SLOW_READERS * MiB + RSS_TOLERANCE;
    rows.push({
      what: `${SLOW_READERS} clients that never read while each has 15 KiB frames reflected at it: terminated as slow consumers`,
      target: `${SLOW_READERS}/${SLOW_READERS}; peak RSS growth < ${mib(bound)} (1 MiB buffer each + tolerance)`,
      figure: `${cut}/${SLOW_READERS}; peak RSS +${mib(peakRss - before.rssBytes)}`,
      pass: cut === SLOW_READERS && peakRss - before.rssBytes < bound,
    });
    for (const client of clients) client.ws.terminate();
    await open.stop();
  }

  // 5. Oversize frames, many times.
  {
    const sender = await register(apiStack.api.url);
    const payload = Buffer.alloc(4 * MiB, 'y').toString();
    const codes = new Map<number, number>();
    for (let round = 0; round < 20; round++) {
      const clients = await Promise.all(Array.from({ length: 10 }, () => ChatClient.open(gateway, sender.token)));
      for (const c of clients) {
        c.ws.on('error', () => {
          /* reset while sending */
        });
        c.ws.send(payload);
      }
      for (const { code } of await Promise.all(clients.map((c) => c.closed))) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const ok = (codes.get(1009) ?? 0) + (codes.get(1006) ?? 0);
    rows.push({
      what: '200 frames of 4 MiB (limit 16 KiB)',
      target: 'all closed (1009, or 1006 when the reset wins)',
      figure: `${ok}/200 (codes ${JSON.stringify(Object.fromEntries(codes))})`,
      pass: ok === 200,
    });
  }

  // 6. After all of it.
  {
    await waitFor('connections closed', async () => (await metric(gateway.url, 'chat_gateway_open_connections')) === 0, 15_000).catch(
      () => undefined,
    );
    await waitFor(
      'descriptors back',
      async () => (await gateway.measure()).fdsOutsidePool <= baseline.fdsOutsidePool + FD_TOLERANCE,
      15_000,
    ).catch(() => undefined);
    const end = await gateway.measure();
    rows.push({
      what: 'gateway processes crashed',
      target: '0',
      figure: String(gateways.filter((g) => g.child.exitCode !== null && g.child.exitCode !== 0).length + (gateway.alive() ? 0 : 1)),
      pass: gateway.alive(),
    });
    rows.push({
      what: 'gateway memory at the end vs the baseline (live heap after GC; RSS)',
      target: `heap < +${mib(HEAP_TOLERANCE)}, RSS < +${mib(RSS_TOLERANCE)}`,
      figure: `heap ${mib(baseline.heapUsedBytes)} → ${mib(end.heapUsedBytes)}; RSS ${mib(baseline.rssBytes)} → ${mib(end.rssBytes)}`,
      pass: end.heapUsedBytes - baseline.heapUsedBytes < HEAP_TOLERANCE && end.rssBytes - baseline.rssBytes < RSS_TOLERANCE,
    });
    rows.push({
      what: 'open descriptors at the end vs the baseline (outside the keep-alive pool to the API)',
      target: `< +${FD_TOLERANCE}`,
      figure: `${baseline.fdsOutsidePool} → ${end.fdsOutsidePool}`,
      pass: end.fdsOutsidePool - baseline.fdsOutsidePool < FD_TOLERANCE,
    });
  }
} finally {
  for (const g of gateways) await g.stop();
  await apiStack.stop();
}

console.log(
  `\n### chat-gateway abuse soak\n\nMachine: ${machineDescription()}; load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' / ',
    )}. Gateway in its own process, the legitimate chatter of the flood row in another, todo-api (PGlite) and the other clients in this one.\n`,
);
console.log('| measure | target | figure | verdict |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.what} | ${r.target} | ${r.figure} | ${r.pass === null ? '—' : r.pass ? 'pass' : '**FAIL**'} |`);
recordResults(rows.map((r) => ({ area: 'chat-gateway abuse (soak)', ...r })));
process.exit(rows.some((r) => r.pass === false) ? 1 : 0);
