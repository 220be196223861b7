/**
 * `make bench`: runs every benchmark in sequence (each prints its own table), then prints ONE
 * table of every measure with its target, figure and verdict, and writes it to bench/RESULTS.md.
 *
 *   node --import tsx bench/run.ts
 *
 * Each benchmark appends JSON lines ({area, what, target, figure, pass, machine}, see
 * bench/results.ts) to the file named by BENCH_RESULTS, which this script sets. The image
 * payload rows are measured here. The todo-api benchmark needs the PostgreSQL server
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Exits 1 when a benchmark
 * fails to run or a target is missed, after printing and writing the table.
 *
 * BENCH_ONLY=todo-api,chat-gateway runs only those areas (of: synth, policy check, frontend,
 * todo-api, chat-gateway, images) and prints their table, without the host yardstick and without
 * rewriting bench/RESULTS.md.
 *
 * Ctrl-C (SIGINT) or SIGTERM: each benchmark runs in its own process group, which gets the signal;
 * the benchmark stops its servers, drops its database and removes its folders, and this script
 * exits (130 / 143) once the whole group has, after removing its own. Scripts run on
 * `node --import tsx`, not the tsx CLI: the CLI relays a signal to its child and SIGKILLs the child
 * when it does not acknowledge it within milliseconds, as a benchmark busy under load may not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway } from '../services/chat-gateway/build.js';
import { buildFrontend } from '../services/frontend/build.js';
import { bundleTodoApi } from '../services/todo-api/build.js';
import { exitCleanlyOnSignals, interruptedSignal, removeAtCleanup, stopAtCleanup } from './interrupt.js';
import { machineDescription, recordResults, type BenchResult } from './results.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_MD = path.join(ROOT, 'bench', 'RESULTS.md');

/** The benchmarks, in the order they run; the gateway needs ~20,000 file descriptors for its 10,000 sockets. */
const BENCHMARKS: readonly { readonly area: string; readonly command: string }[] = [
  { area: 'synth', command: 'node --import tsx bench/synth.bench.ts' },
  { area: 'policy check', command: 'node --import tsx constructs/policy/bench/policy-check.ts' },
  { area: 'frontend', command: 'node --import tsx services/frontend/bench/bundle.bench.ts' },
  { area: 'todo-api', command: 'node --import tsx services/todo-api/bench/api.bench.ts' },
  { area: 'todo-api', command: 'node --import tsx services/todo-api/bench/tracing-instructions.bench.ts' },
  {
    area: 'chat-gateway',
    command: 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; node --import tsx services/chat-gateway/bench/gateway.bench.ts',
  },
  { area: 'chat-gateway understanding', command: 'node --import tsx services/chat-gateway/bench/understanding.bench.ts' },
];
const AREAS = [...new Set(BENCHMARKS.map((bench) => bench.area)), 'images'];
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((area) => area.trim()) : undefined;
for (const area of ONLY ?? []) {
  if (!AREAS.includes(area)) throw new Error(`BENCH_ONLY names "${area}", not a benchmark area (${AREAS.join(', ')})`);
}
const selected = (area: string) => !ONLY || ONLY.includes(area);
/** A benchmark cleaning up (servers stopping, a database dropped) gets this long before SIGKILL. */
const CLEANUP_GRACE_MS = 30_000;

const MB = 1024 * 1024; // MiB, as du -h and the other tables count
const mb = (bytes: number) => (bytes < MB ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / MB).toFixed(1)} MiB`);

/** Bytes on disk under a path (apparent size, as an image layer stores files). */
function treeBytes(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(target).reduce((sum, entry) => sum + treeBytes(path.join(target, entry)), 0);
}

/**
 * The production dependency tree as the todo-api image installs it (`npm ci --omit=dev` from the
 * same lockfile): the paths `npm ls --omit=dev --all --parseable` lists in the installed tree,
 * each counted once (a package nested inside another listed one is already in its parent).
 * `--workspaces=false`: the image copies only package.json and the lockfile, so the workspaces
 * (constructs/, tools/) and their dependencies are not installed there (checked: `npm ci --omit=dev`
 * from those two files alone installs no ESLint, TypeScript or kubernetes-models).
 */
function productionTree(): { packages: number; bytes: number } {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable', '--workspaces=false'], { cwd: ROOT, encoding: 'utf8' });
  const paths = listed.stdout.split('\n').filter((p) => p.includes(`${path.sep}node_modules${path.sep}`));
  if (paths.length === 0) throw new Error(`npm ls listed no production packages (exit ${listed.status}): ${listed.stderr}`);
  const unique = [...new Set(paths)].sort();
  const roots = unique.filter((p, i) => !unique.slice(0, i).some((parent) => p.startsWith(`${parent}${path.sep}`)));
  return { packages: unique.length, bytes: roots.reduce((sum, p) => sum + treeBytes(p), 0) };
}

/** What each image adds on top of its pinned base image: the bundle, and node_modules where the image ships them. */
async function imagePayloadRows(): Promise<Omit<BenchResult, 'machine'>[]> {
  const dir = removeAtCleanup(mkdtempSync(path.join(os.tmpdir(), 'bench-images-')));
  try {
    const apiBundle = treeBytes(path.dirname(await bundleTodoApi(path.join(dir, 'todo-api'))));
    const tree = productionTree();
    const gatewayBundle = treeBytes(path.dirname(await buildGateway(path.join(dir, 'chat-gateway'))));
    await buildFrontend({ outDir: path.join(dir, 'frontend') });
    const frontend = treeBytes(path.join(dir, 'frontend'));
    return [
      {
        area: 'images',
        what: 'todo-api image payload over node:26.10.0-trixie-slim: production dependency tree (apparent size of the package folders `npm ls --omit=dev --all --parseable` lists) + bundle',
        target: '-',
        figure: `${mb(tree.bytes + apiBundle)} (${tree.packages} packages, ${mb(tree.bytes)}; bundle ${mb(apiBundle)})`,
        pass: null,
      },
      {
        area: 'images',
        what: 'chat-gateway image payload over node:26.10.0-trixie-slim: the esbuild bundle, dependencies inside, no node_modules',
        target: '-',
        figure: mb(gatewayBundle),
        pass: null,
      },
      {
        area: 'images',
        what: 'frontend image payload over nginx-unprivileged: the static site (all files, uncompressed)',
        target: '-',
        figure: mb(frontend),
        pass: null,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function markdownTable(rows: readonly BenchResult[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const verdict = (pass: boolean | null) => (pass === null ? '—' : pass ? 'pass' : '**FAIL**');
  return [
    '| area | measure | target | figure | pass/fail |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${cell(r.area)} | ${cell(r.what)} | ${cell(r.target)} | ${cell(r.figure)} | ${verdict(r.pass)} |`),
  ].join('\n');
}

/**
 * Two fixed workloads timed before and after the benchmarks: JSON.stringify of a 50-task page
 * 10,000 times (user-space CPU), and 2,000 sequential keep-alive GETs of a 12 KB body over
 * loopback HTTP in one process (system calls and the kernel's TCP path, where the servers spend
 * a good part of their time); median of three each. This shared VM's speed drifts by 2x between
 * hours, and not always in both at once (on 2026-11-22 the servers slowed by half while the JSON
 * figure stayed put). Compare these across recorded runs before reading a change in an absolute
 * figure as a change in the code.
 */
async function hostYardstick(): Promise<string> {
  const median = (times: number[]) => times.sort((a, b) => a - b)[1]!;
  const page = {
    items: Array.from({ length: 50 }, (_, i) => ({
      id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      title: `task ${i}`,
      description: '',
      completed: false,
      dueAt: null,
      priority: 'medium',
      tags: ['bench'],
      createdAt: '2026-11-22T19:01:46.123Z',
      updatedAt: '2026-11-22T19:01:46.123Z',
    })),
    nextCursor: null,
  };
  const json = median(
    [0, 1, 2].map(() => {
      const start = performance.now();
      for (let i = 0; i < 10_000; i++) JSON.stringify(page);
      return performance.now() - start;
    }),
  );

  const body = 'x'.repeat(12_000);
  const server = http.createServer((_req, res) => res.end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const port = (server.address() as AddressInfo).port;
  const get = () =>
    new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
  const loopback: number[] = [];
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    for (let i = 0; i < 2000; i++) await get();
    loopback.push(performance.now() - start);
  }
  agent.destroy();
  server.close();
  return `JSON ${json.toFixed(0)} ms, loopback HTTP ${median(loopback).toFixed(0)} ms`;
}

/**
 * Runs one benchmark command in its own process group, so a signal reaches every process of it
 * (bash, npx, tsx, the benchmark, its servers) and the benchmark can clean up before it exits.
 */
function runInGroup(command: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; signal: NodeJS.Signals | null }> {
  const child = stopAtCleanup(spawn('bash', ['-c', command], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env, detached: true }), {
    group: true,
    graceMs: CLEANUP_GRACE_MS,
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status, signal) => resolve({ status, signal }));
  });
}

exitCleanlyOnSignals();
const workDir = removeAtCleanup(mkdtempSync(path.join(os.tmpdir(), 'bench-run-')));
const resultsFile = path.join(workDir, 'results.jsonl');
writeFileSync(resultsFile, '');
const loadAtStart = os.loadavg();
// The yardstick compares recorded runs; a partial run (BENCH_ONLY) is not recorded.
const yardstickAtStart = ONLY ? undefined : await hostYardstick();
const started = new Date();

for (const bench of BENCHMARKS.filter((b) => selected(b.area))) {
  if (interruptedSignal()) break;
  console.log(`\n$ ${bench.command}`);
  const before = readFileSync(resultsFile, 'utf8').length;
  const run = await runInGroup(bench.command, { ...process.env, BENCH_RESULTS: resultsFile });
  if (interruptedSignal()) break;
  const wroteRows = readFileSync(resultsFile, 'utf8').length > before;
  if (run.status !== 0 && !wroteRows) {
    recordResults(
      [
        {
          area: bench.area,
          what: `\`${bench.command}\``,
          target: 'runs',
          figure: `exit ${run.status ?? run.signal}, no figures`,
          pass: false,
        },
      ],
      resultsFile,
    );
  }
}
// On a signal the handler cleans up and exits; nothing below may start.
if (interruptedSignal()) await new Promise(() => {});
if (selected('images')) recordResults(await imagePayloadRows(), resultsFile);

const rows = readFileSync(resultsFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as BenchResult);
rmSync(workDir, { recursive: true, force: true });
const machines = [...new Set(rows.map((r) => r.machine))];
const load = (l: number[]) => l.map((v) => v.toFixed(1)).join(' / ');
const table = markdownTable(rows);
const machineLine =
  `Machine: ${machines.join('; ') || machineDescription()}. Load average (1/5/15 min) at the start ${load(loadAtStart)}, at the end ${load(os.loadavg())}. ` +
  (yardstickAtStart
    ? `Host yardstick (fixed workloads, lower is faster; compare across recorded runs): ${yardstickAtStart} at the start; ${await hostYardstick()} at the end.`
    : '');

console.log(`\n## All benchmarks\n\n${machineLine}\n\n${table}\n`);
// A partial run (BENCH_ONLY) must not replace the full table.
if (!ONLY)
  writeFileSync(
    RESULTS_MD,
    `# Benchmark results\n\nGenerated by \`make bench\` (\`node --import tsx bench/run.ts\`) on ${started.toISOString()}; do not edit by hand.\n` +
      `Each benchmark also prints its own, more detailed table; targets come from the issues.\n\n${machineLine}\n\n${table}\n`,
  );
if (!ONLY) console.log(`written to ${path.relative(ROOT, RESULTS_MD)}`);
if (rows.some((r) => r.pass === false)) process.exitCode = 1;
