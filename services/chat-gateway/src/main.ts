import { pino } from 'pino';
import { loadConfig } from './config.js';
import { startChatGateway } from './server.js';
import { flushTraces, traceLogFields } from '../../shared/trace-context.js';

const config = loadConfig();
const logger = pino({ level: config.logLevel, base: { service: 'chat-gateway' }, mixin: traceLogFields });
const gateway = await startChatGateway(config, { logger });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway.close().then(() => flushTraces()).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
