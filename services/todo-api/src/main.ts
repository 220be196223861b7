import { setTimeout as sleep } from 'node:timers/promises';
import { startupProblem } from '../../shared/env.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startTodoApi } from './server.js';
import { flushTraces } from '../../shared/trace-context.js';

const logger = createLogger('info');

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const api = await startTodoApi(config);
  let stopping = false;
  const stop = async (signal: string, delayMs: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, delayMs }, 'shutdown requested');
    // Fail readiness first and keep serving while the endpoints controller and load balancers
    // take this pod out of rotation; then finish in-flight work and exit.
    api.beginDrain();
    await sleep(delayMs);
    await api.close();
    await flushTraces();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM', config.shutdownDelayMs));
  // Ctrl-C is a person at a terminal (make dev), not a load balancer: no delay.
  process.on('SIGINT', () => void stop('SIGINT', 0));
}

main().catch((error: unknown) => {
  // A setting to fix is said in one line; only the unexpected gets a stack trace.
  const problem = startupProblem(error);
  if (problem) logger.fatal(`todo-api cannot start: ${problem}`);
  else logger.fatal({ err: error }, 'todo-api failed to start');
  process.exit(1);
});
