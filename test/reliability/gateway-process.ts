/**
 * A chat-gateway in its own process, so the abuse suites measure the gateway's memory and file
 * descriptors alone (not the test's clients or the API). Started by `spawnGateway` with
 * `--expose-gc` and an IPC channel; the config overrides come as JSON in GATEWAY_CONFIG.
 * Answers `{ type: 'measure' }` with a full GC first, so heap figures are live memory, not garbage.
 */
import { readdirSync } from 'node:fs';
import { startChatGateway } from '../../services/chat-gateway/src/server.js';

/** What the parent receives for `measure`. */
export interface GatewayMeasure {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly openFds: number;
}

const gateway = await startChatGateway({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...JSON.parse(process.env.GATEWAY_CONFIG ?? '{}') });
process.send!({ type: 'listening', url: gateway.url });

process.on('message', (message: { type: string }) => {
  if (message.type === 'measure') {
    (globalThis as { gc?: () => void }).gc!();
    const measure: GatewayMeasure = {
      rssBytes: process.memoryUsage.rss(),
      heapUsedBytes: process.memoryUsage().heapUsed,
      openFds: readdirSync('/proc/self/fd').length,
    };
    process.send!({ type: 'measure', measure });
  } else if (message.type === 'close') {
    void gateway.close().then(() => process.exit(0));
  }
});
