/**
 * `make bench` — synth performance: the whole platform through the real CLI, measured against the
 * CLI's own start-up (`npx cdk8s --version`) in alternating rounds of the same run, so host drift
 * cancels out; and how synth time and memory grow with the number of services (N = 1 … 1,000), one
 * fresh process per run. Targets: full synth at most 1.25x the CLI's start-up; 1,000 services linear.
 * The full synth is also split into the CLI's start-up, the app as the CLI runs it (`--no-validate`)
 * and the validation plugin, from the same rounds; and the same rounds time the floor any app
 * pays: the smallest cdk8s app (bench/floor-app/, one ConfigMap, no plugin) through the same CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { recordResults } from './results.js';

const ROOT = new URL('..', import.meta.url).pathname;
const RUNS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): { wallMs: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return { wallMs: performance.now() - started, stdout: result.stdout };
}

const ROUNDS = 7;

/** The smallest cdk8s app, with its own cdk8s.yaml: what the CLI costs an app that does nothing. */
const FLOOR_APP = join(ROOT, 'bench', 'floor-app');

/** What one timed synth runs, given its output folder: a command, its arguments, environment and folder. */
interface Synth {
  command: string;
  args: (outdir: string) => string[];
  env?: (outdir: string) => NodeJS.ProcessEnv;
  cwd?: string;
}

const SYNTHS: Record<'cli' | 'cli-no-validate' | 'app' | 'floor', Synth> = {
  /** The full platform through the CLI with its validation plugin. */
  cli: { command: 'npx', args: (outdir) => ['--no-install', 'cdk8s', 'synth', '--output', outdir] },
  /** The full platform through the CLI without the plugin. */
  'cli-no-validate': { command: 'npx', args: (outdir) => ['--no-install', 'cdk8s', 'synth', '--output', outdir, '--no-validate'] },
  /** The platform's app alone, without the CLI (it writes where CDK8S_OUTDIR says). */
  app: { command: 'node', args: () => ['charts/synth-app.mjs'], env: (outdir) => ({ CDK8S_OUTDIR: outdir }) },
  /** bench/floor-app through the CLI: the least any app's synth takes. */
  floor: { command: 'npx', args: (outdir) => ['--no-install', 'cdk8s', 'synth', '--output', outdir], cwd: FLOOR_APP },
};

/** Wall time of one synth (see SYNTHS) into a fresh folder. */
function timedSynth(how: keyof typeof SYNTHS): number {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-dist-'));
  const { command, args, env, cwd } = SYNTHS[how];
  const { wallMs } = timeCommand(command, args(outdir), env?.(outdir), cwd);
  rmSync(outdir, { recursive: true });
  return wallMs;
}

interface SynthTimes {
  /** `npx cdk8s --version`: the CLI's own start-up, which every synth pays. */
  cliStartMs: number;
  /** `npx cdk8s synth`: the whole synth, plugin included. */
  synthMs: number;
  /** `node charts/synth-app.mjs`: the app alone. */
  appMs: number;
  /** `synth --no-validate` − `--version`, per round: the app as the CLI runs it. */
  appInCliMs: number;
  /** `synth` − `synth --no-validate`, per round: the validation plugin in the CLI's process. */
  pluginMs: number;
  /** `npx cdk8s synth` of bench/floor-app: the least any app's synth takes with this CLI. */
  floorMs: number;
}

/**
 * Medians of each command, measured in alternating rounds so that host drift falls on all alike;
 * the parts of the synth are differences within a round, then their median.
 */
function synthAgainstCli(): SynthTimes {
  timedSynth('cli'); // warms the build caches (constructs/lib, the charts bundle): a synth after a change pays them once
  const rounds = Array.from({ length: ROUNDS }, () => {
    const cliStartMs = timeCommand('npx', ['--no-install', 'cdk8s', '--version']).wallMs;
    const synthMs = timedSynth('cli');
    const noValidateMs = timedSynth('cli-no-validate');
    const appMs = timedSynth('app');
    const floorMs = timedSynth('floor');
    return { cliStartMs, synthMs, appMs, appInCliMs: noValidateMs - cliStartMs, pluginMs: synthMs - noValidateMs, floorMs };
  });
  const of = (key: keyof SynthTimes) => median(rounds.map((r) => r[key]));
  return {
    cliStartMs: of('cliStartMs'),
    synthMs: of('synthMs'),
    appMs: of('appMs'),
    appInCliMs: of('appInCliMs'),
    pluginMs: of('pluginMs'),
    floorMs: of('floorMs'),
  };
}

interface Scale {
  services: number;
  objects: number;
  wallMs: number;
  inProcessMs: number;
  maxRssMb: number;
}

function scale(services: number): Scale {
  const runs = Array.from({ length: services >= 1000 ? 1 : RUNS }, () => {
    const { wallMs, stdout } = timeCommand('npx', ['--no-install', 'tsx', 'bench/synth-services.ts', String(services)]);
    const line = JSON.parse(stdout.trim().split('\n').pop()!) as { objects: number; inProcessMs: number; maxRssKb: number };
    return { services, objects: line.objects, wallMs, inProcessMs: line.inProcessMs, maxRssMb: line.maxRssKb / 1024 };
  });
  return {
    services,
    objects: runs[0]!.objects,
    wallMs: median(runs.map((r) => r.wallMs)),
    inProcessMs: median(runs.map((r) => r.inProcessMs)),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
  };
}

const machine = `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const { cliStartMs, synthMs, appMs, appInCliMs, pluginMs, floorMs } = synthAgainstCli();
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = synthMs / cliStartMs;
const floorRatio = floorMs / cliStartMs;
const scales = [1, 10, 100, 300, 1000].map(scale);
const perService = (s: Scale, base: Scale) => (s.inProcessMs - base.inProcessMs) / (s.services - base.services);
const [one, , hundred, threeHundred, thousand] = scales as [Scale, Scale, Scale, Scale, Scale];
const growth = perService(thousand, threeHundred) / perService(hundred, one);

console.log(`\n### Synth performance (${machine}; medians of ${ROUNDS} alternating rounds, ${RUNS} runs per scale)\n`);
console.log('| what | target | figure |');
console.log('|---|---|---|');
console.log(
  `| full platform, 3 environments + Argo CD, \`npx cdk8s synth\` (plugin included) / \`npx cdk8s --version\` | ≤ 1.25x | ${ratio.toFixed(2)}x (${(synthMs / 1000).toFixed(2)} s / ${(cliStartMs / 1000).toFixed(2)} s) |`,
);
console.log(`| where the time goes: the CLI's own start-up (\`npx cdk8s --version\`) | - | ${seconds(cliStartMs)} |`);
console.log(`| … the app as the CLI runs it (\`synth --no-validate\` − start-up) | - | ${seconds(appInCliMs)} |`);
console.log(`| … the validation plugin in the CLI (\`synth\` − \`synth --no-validate\`) | - | ${seconds(pluginMs)} |`);
console.log(`| the app alone (\`node charts/synth-app.mjs\`, without the CLI) | - | ${seconds(appMs)} |`);
console.log(
  `| the floor: the smallest cdk8s app (bench/floor-app/, one ConfigMap, no plugin), \`npx cdk8s synth\` / \`npx cdk8s --version\` | - | ${floorRatio.toFixed(2)}x (${seconds(floorMs)}) |`,
);
for (const s of scales) {
  console.log(
    `| ${s.services} services (${s.objects} objects): wall / in-process / peak RSS | ${s.services === 300 ? '< 10 s wall' : '-'} | ${(s.wallMs / 1000).toFixed(2)} s / ${(s.inProcessMs / 1000).toFixed(2)} s / ${s.maxRssMb.toFixed(0)} MB |`,
  );
}
console.log(
  `| growth: ms per added service, 300→1,000 vs 1→100 | ≈ 1 (linear) | ${growth.toFixed(2)} (${perService(hundred, one).toFixed(1)} → ${perService(thousand, threeHundred).toFixed(1)} ms) |`,
);

const threeHundredWall = threeHundred.wallMs / 1000;
recordResults([
  {
    area: 'synth',
    what: "full platform (3 environments + Argo CD), `npx cdk8s synth` / the CLI's start-up, same run",
    target: '≤ 1.25x',
    figure: `${ratio.toFixed(2)}x (${(synthMs / 1000).toFixed(2)} s / ${(cliStartMs / 1000).toFixed(2)} s)`,
    pass: ratio <= 1.25,
  },
  {
    area: 'synth',
    what: "where the whole synth's time goes, same run: the CLI's start-up / the app as the CLI runs it / the validation plugin",
    target: '-',
    figure: `${seconds(cliStartMs)} / ${seconds(appInCliMs)} / ${seconds(pluginMs)}`,
    pass: null,
  },
  {
    area: 'synth',
    what: "the floor, same run: the smallest cdk8s app (bench/floor-app/: one ConfigMap, no plugin), `npx cdk8s synth` / the CLI's start-up",
    target: '-',
    figure: `${floorRatio.toFixed(2)}x (${seconds(floorMs)} / ${seconds(cliStartMs)})`,
    pass: null,
  },
  ...scales.map((s) => ({
    area: 'synth',
    what: `${s.services} services (${s.objects} objects): wall, peak RSS`,
    target: s.services === 300 ? '< 10 s wall' : '-',
    figure: `${(s.wallMs / 1000).toFixed(2)} s, ${s.maxRssMb.toFixed(0)} MB`,
    pass: s.services === 300 ? threeHundredWall < 10 : null,
  })),
  {
    area: 'synth',
    what: 'growth: ms per added service, 300→1,000 vs 1→100',
    target: '0.5–2 (linear)',
    figure: growth.toFixed(2),
    pass: growth >= 0.5 && growth <= 2,
  },
]);
