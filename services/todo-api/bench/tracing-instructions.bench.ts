// Benchmark: tracing's cost counted in executed instructions (issue 16 §3), beside api.bench.ts's
// verdict on the CPU clock, which this shared host's drift makes a coarse instrument.
// Usage: node --import tsx services/todo-api/bench/tracing-instructions.bench.ts   (DATABASE_URL defaults to the local server)
//
// The todo-api bundle runs under `valgrind --tool=callgrind` with the image's node options, side by
// side: tracing off, at prod's sampling ratio, and with every request sampled. Each serves
// WARMUP_REQUESTS GETs, then its counters are zeroed (`callgrind_control -z`), it serves
// MEASURED_REQUESTS more, and its counters are dumped: instructions per request, every thread's.
// Counts do not depend on how fast the host runs at the moment, but V8's timing-driven decisions
// (when it optimizes, when it collects) do depend on the conditions: two untraced runs in different
// company differed by 18 %, so only processes that run side by side are compared, and even those
// move by ±10 % from run to run: a context row, not a verdict.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createBenchDatabase, onCleanup, removeAtCleanup, runBenchmark, stopAtCleanup } from '../../../bench/interrupt.js';
import { recordResults } from '../../../bench/results.js';
import { bundleTodoApi } from '../build.js';
import { imageNodeOptions } from '../image.js';
import { benchApiEnv, prodSampleRatio, seedBenchUser, startTraceSink, tracingEnv } from './setup.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** Enough for V8 to optimize the request path (its thresholds are hundreds of calls). */
const WARMUP_REQUESTS = 2000;
const MEASURED_REQUESTS = 1000;
/** Fewer than api.bench.ts's 50: under valgrind a request takes ~50x longer. */
const CONNECTIONS = 10;
/** The interface the API listens on; valgrind and callgrind_control name their pipes after HOST. */
const HOST = '127.0.0.1';

interface Process {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly dumpBase: string;
}

async function startUnderCallgrind(name: string, command: string[], env: Record<string, string>, temp: string): Promise<Process> {
  const logFile = path.join(temp, `${name}.log`);
  const dumpBase = path.join(temp, `callgrind.${name}.out`);
  const log = openSync(logFile, 'w');
  const child = stopAtCleanup(
    spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${dumpBase}`, process.execPath, ...command], {
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    }),
  );
  closeSync(log);
  for (;;) {
    const port = /"port":(\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1];
    if (port) return { name, pid: child.pid!, url: `http://${HOST}:${port}`, dumpBase };
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function callgrindControl(option: '-z' | '-d', target: Process): void {
  const result = spawnSync('callgrind_control', [option, String(target.pid)], { env: { ...process.env, HOST }, encoding: 'utf8' });
  if (result.status !== 0 || !/OK\./.test(result.stdout)) {
    throw new Error(`callgrind_control ${option} ${target.name}: ${result.stdout}${result.stderr}`);
  }
}

/** Instructions of the last dump (`callgrind_control -d` writes `<base>.<n>`). */
function dumpedInstructions(target: Process): number {
  const dir = path.dirname(target.dumpBase);
  const dumps = readdirSync(dir)
    .filter((file) => file.startsWith(`${path.basename(target.dumpBase)}.`))
    .sort();
  const text = readFileSync(path.join(dir, dumps.at(-1)!), 'utf8');
  const totals = /^(?:totals|summary): (\d+)/m.exec(text)?.[1];
  if (!totals) throw new Error(`${target.name}: no instruction totals in ${dumps.at(-1)}`);
  return Number(totals);
}

function load(url: string, token: string, amount: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const run = autocannon(
      { url: `${url}/api/tasks`, connections: CONNECTIONS, amount, timeout: 60, headers: { authorization: `Bearer ${token}` } },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    onCleanup(() => run.stop());
  });
}

/** GETs until the counters are zeroed, the measured GETs, then the dump: instructions per request. */
async function instructionsPerRequest(target: Process, token: string): Promise<number> {
  await load(target.url, token, WARMUP_REQUESTS);
  callgrindControl('-z', target);
  const result = await load(target.url, token, MEASURED_REQUESTS);
  callgrindControl('-d', target);
  if (result.non2xx + result.errors + result.timeouts > 0)
    throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return dumpedInstructions(target) / result.requests.total;
}

async function main(): Promise<void> {
  const name = `tracing_instructions_${randomBytes(4).toString('hex')}`;
  const temp = removeAtCleanup(await mkdtemp(path.join(os.tmpdir(), `${name}-`)));
  const bundle = await bundleTodoApi(removeAtCleanup(path.join(REPO_ROOT, 'build', name)));
  const command = [...(await imageNodeOptions(path.dirname(bundle))), bundle];
  const database = await createBenchDatabase(BASE_URL, name);
  const prodRatio = prodSampleRatio();
  const apiEnv = benchApiEnv(database, temp, HOST);
  const traced = async (ratio: number) => {
    const sink = await startTraceSink();
    onCleanup(() => sink.close());
    return tracingEnv(sink.url, ratio);
  };
  const settings = [
    { name: 'off', label: 'tracing off', env: {} },
    { name: 'prod', label: `${prodRatio * 100} % sampled (as prod)`, env: await traced(prodRatio) },
    { name: 'all', label: 'every request sampled', env: await traced(1) },
  ];
  const processes = await Promise.all(
    settings.map((setting) => startUnderCallgrind(setting.name, command, { ...apiEnv, ...setting.env }, temp)),
  );
  const token = await seedBenchUser(processes[0]!.url);
  const [off, ...others] = await Promise.all(processes.map((target) => instructionsPerRequest(target, token)));
  const method = `the bundle under callgrind with the image's node options, the three side by side; ${WARMUP_REQUESTS} GETs, then ${MEASURED_REQUESTS} counted, ${CONNECTIONS} connections`;
  console.log(`\n### Tracing's cost in executed instructions (${method})\n`);
  console.log('| setting | million instructions per GET | vs tracing off |');
  console.log('|---|---:|---:|');
  console.log(`| tracing off | ${(off! / 1e6).toFixed(3)} | - |`);
  for (const [index, instructions] of others.entries()) {
    const setting = settings[index + 1]!;
    const change = (instructions / off! - 1) * 100;
    const extra = `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)} %`;
    console.log(`| ${setting.label} | ${(instructions / 1e6).toFixed(3)} | ${extra} |`);
    recordResults([
      {
        area: 'todo-api',
        what: `tracing's cost in executed instructions, ${setting.label} vs tracing off: GET /api/tasks, ${method} (context for the CPU-clock verdict)`,
        target: '-',
        figure: `${extra} (${(instructions / 1e6).toFixed(3)} vs ${(off! / 1e6).toFixed(3)} million instructions per GET)`,
        pass: null,
      },
    ]);
  }
}

await runBenchmark(main);
