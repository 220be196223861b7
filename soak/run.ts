// `make soak`: runs every soak script in sequence, each in its own process, and fails if any
// missed a target. Usage: npx tsx soak/run.ts
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// gateway-abuse.soak.ts (the WebSocket half of issue 7) needs `ulimit -n 20000` in the calling shell.
const SCRIPTS = ['rolling-update.ts', 'database-outage.ts', 'hostile-input.ts', 'keep-alive-shutdown.ts', 'gateway-abuse.soak.ts'];
/** Bound on one script; a hung scenario is killed and counts as a failure. */
const SCRIPT_TIMEOUT_MS = 20 * 60_000;

const failed: string[] = [];
for (const script of SCRIPTS) {
  const file = fileURLToPath(new URL(script, import.meta.url));
  console.log(`\n## soak/${script}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
    stdio: 'inherit',
    timeout: SCRIPT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (run.status !== 0) failed.push(`${script} (${run.signal ? `killed: ${run.signal}` : `exit ${run.status}`})`);
}
if (failed.length > 0) {
  console.error(`\nsoak: targets missed in ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nsoak: every target met');
