import { pino } from 'pino';
import { ConfigError, startupProblem } from '../../shared/env.js';
import { loadConfig } from './config.js';
import { startChatGateway } from './server.js';
import { flushTraces, traceLogFields } from '../../shared/trace-context.js';

/** Whatever loadConfig refuses is a setting to fix: its messages name the setting and the value. */
function loadSettings() {
  try {
    return loadConfig();
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

async function start() {
  const config = loadSettings();
  const logger = pino({ level: config.logLevel, base: { service: 'chat-gateway' }, mixin: traceLogFields });
  return { logger, gateway: await startChatGateway(config, { logger }) };
}

const { logger, gateway } = await start().catch((error: unknown) => {
  // A setting to fix is said in one line; only the unexpected gets a stack trace.
  const problem = startupProblem(error);
  const fallback = pino({ base: { service: 'chat-gateway' } });
  if (problem) fallback.fatal(`chat-gateway cannot start: ${problem}`);
  else fallback.fatal({ err: error }, 'chat-gateway failed to start');
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway
      .close()
      .then(() => flushTraces())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  });
}
