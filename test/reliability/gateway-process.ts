/**
 * A chat-gateway in its own process, so the abuse suites measure the gateway's memory and file
 * descriptors alone (not the test's clients or the API). Started by `spawnGateway` with
 * `--expose-gc` and an IPC channel; the config overrides come as JSON in GATEWAY_CONFIG.
 * Answers `{ type: 'measure' }` with a full GC first, so heap figures are live memory, not garbage.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { startChatGateway } from '../../services/chat-gateway/src/server.js';

/** What the parent receives for `measure`. */
export interface GatewayMeasure {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Bytes the process has read through read(2)-family calls since it started (`rchar` of /proc/self/io): sockets included. */
  readonly readBytes: number;
  readonly openFds: number;
  /**
   * Open descriptors other than TCP connections to `poolPort` (the todo-api): the gateway keeps idle
   * keep-alive connections to the API until the API closes them (after 65 s), as many as the
   * busiest moment needed; they are a bounded pool, not sockets of the abusive clients.
   */
  readonly fdsOutsidePool: number;
}

/** Socket inodes of TCP connections whose remote port is `port` (from /proc/self/net/tcp and tcp6). */
function inodesToPort(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && parseInt(fields[2]!.split(':')[1]!, 16) === port) inodes.add(fields[9]!);
    }
  }
  return inodes;
}

function countFds(poolPort: number): { openFds: number; fdsOutsidePool: number } {
  const pool = inodesToPort(poolPort);
  let openFds = 0;
  let inPool = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed while we looked (the readdir handle itself)
    }
    openFds++;
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && pool.has(inode)) inPool++;
  }
  return { openFds, fdsOutsidePool: openFds - inPool };
}

const config = { port: 0, host: '127.0.0.1', logLevel: 'silent', ...JSON.parse(process.env.GATEWAY_CONFIG ?? '{}') };
const apiPort = Number(new URL(config.todoApiUrl).port);
const gateway = await startChatGateway(config);
process.send!({ type: 'listening', url: gateway.url });

process.on('message', (message: { type: string }) => {
  if (message.type === 'measure') {
    (globalThis as { gc?: () => void }).gc!();
    const measure: GatewayMeasure = {
      rssBytes: process.memoryUsage.rss(),
      heapUsedBytes: process.memoryUsage().heapUsed,
      readBytes: Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]),
      ...countFds(apiPort),
    };
    process.send!({ type: 'measure', measure });
  } else if (message.type === 'close') {
    void gateway.close().then(() => process.exit(0));
  }
});
