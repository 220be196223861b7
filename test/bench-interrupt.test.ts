/**
 * `make bench` interrupted: Ctrl-C (SIGINT to the terminal's whole process group) and SIGTERM (to
 * the runner alone) while the todo-api benchmark measures must leave nothing behind — no process
 * of the run, no benchmark database on the server, no folder it made — and the runner must exit
 * non-zero only after its children. The run is the real one (BENCH_ONLY=todo-api), interrupted
 * as soon as both servers are up.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DATABASE_SERVER, requireOrSkip } from './support/requirements.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD = path.join(ROOT, 'build');
const DATABASE_URL = process.env.DATABASE_URL;
/** Printed by the todo-api benchmark once its database, both servers and the seed data exist. */
const MEASURING = '## todo-api benchmark';

async function benchDatabases(): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like '%bench%'");
    return new Set(rows.map((row) => row.datname));
  } finally {
    await client.end();
  }
}

/** Every live descendant of a process, from /proc (a zombie has exited: it is only not yet reaped). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const [state, ppid] = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (state === 'Z') continue;
      children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(entry)]);
    } catch {
      /* exited while listing */
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '(gone)';
  }
}

interface Interrupted {
  /** The root's exit code, or the signal that ended it. */
  readonly exit: number | NodeJS.Signals | null;
  readonly output: string;
  /** From the signal to the root's exit. */
  readonly stopMs: number;
  /** Processes of the run seen just before the signal, and those still alive when its root exited. */
  readonly processes: readonly number[];
  readonly leftProcesses: readonly string[];
  /** Benchmark databases and folders that appeared during the run, and those left after it. */
  readonly databases: readonly string[];
  readonly leftDatabases: readonly string[];
  readonly folders: readonly string[];
  readonly leftFolders: readonly string[];
}

/**
 * Starts `command` in its own process group with a private TMPDIR, waits until the benchmark
 * measures, sends `signal` to `target(root)` and reports what the run made and what it left.
 */
async function interruptRun(command: string[], signal: NodeJS.Signals, target: (root: ChildProcess) => number): Promise<Interrupted> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-interrupt-test-'));
  const databasesBefore = await benchDatabases();
  const buildBefore = new Set(existsSync(BUILD) ? readdirSync(BUILD) : []);
  const made = () => [
    ...readdirSync(tmp)
      .filter((name) => !name.startsWith('tsx-'))
      .map((name) => path.join(tmp, name)), // tsx's compile cache is tsx's
    ...(existsSync(BUILD)
      ? readdirSync(BUILD)
          .filter((name) => !buildBefore.has(name))
          .map((name) => path.join(BUILD, name))
      : []),
  ];
  const root = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp, BENCH_ONLY: 'todo-api', DATABASE_URL },
  });
  let output = '';
  root.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  root.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => root.once('exit', (code, signal) => resolve(code ?? signal)));
  let processes: number[] = [];
  let databases: string[] = [];
  let folders: string[] = [];
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes(MEASURING)) {
      if (root.exitCode !== null) throw new Error(`the run ended before measuring (exit ${root.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`the benchmark did not start measuring within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    processes = descendants(root.pid!);
    databases = [...(await benchDatabases())].filter((name) => !databasesBefore.has(name));
    folders = made();
    const signalledAt = performance.now();
    process.kill(target(root), signal);
    const exit = await exited;
    const stopMs = performance.now() - signalledAt;
    const leftProcesses = processes.filter(alive).map((pid) => `${pid} ${commandOf(pid)}`);
    const after = await benchDatabases();
    return {
      exit,
      output,
      stopMs,
      processes,
      leftProcesses,
      databases,
      leftDatabases: databases.filter((name) => after.has(name)),
      folders,
      leftFolders: made(),
    };
  } finally {
    // A failed run must not leak into the next tests: remove whatever of it is left.
    for (const pid of [root.pid!, ...processes].filter(alive)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    if (databases.length > 0) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      for (const name of databases) await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    }
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('make bench, interrupted', function () {
  this.timeout(120_000);

  before(async function () {
    let reachable = false;
    if (DATABASE_URL) {
      try {
        await benchDatabases();
        reachable = true;
      } catch {
        /* no server */
      }
    }
    requireOrSkip(this, reachable, DATABASE_SERVER);
  });

  const expectCleanExit = (run: Interrupted, exit: number | NodeJS.Signals) => {
    expect(run.processes.length, 'the run had its processes (runner, benchmark, servers)').to.be.greaterThan(3);
    expect(run.databases.length, 'the benchmark had created its database').to.be.greaterThan(0);
    expect(run.folders.length, 'the run had made its folders').to.be.greaterThan(0);
    expect(run.leftProcesses, `processes left when the run's root exited\n${run.output}`).to.deep.equal([]);
    expect(run.leftDatabases, 'benchmark databases left on the server').to.deep.equal([]);
    expect(run.leftFolders, 'folders left behind').to.deep.equal([]);
    expect(run.exit, run.output).to.equal(exit);
    // Well inside the runner's 30 s grace: nothing had to be SIGKILLed.
    expect(run.stopMs, 'from the signal to the exit').to.be.below(15_000);
  };

  it('Ctrl-C (SIGINT to the whole foreground group of `make bench`) stops and cleans everything, exit non-zero', async () => {
    const run = await interruptRun(['make', '--no-print-directory', 'bench'], 'SIGINT', (root) => -root.pid!);
    // make, interrupted too, waits for its recipe (the runner, exit 130), then ends itself by the same signal.
    expectCleanExit(run, 'SIGINT');
    expect(run.output).to.include('SIGINT: stopping and cleaning up');
  });

  it('SIGTERM to the runner alone is forwarded to the benchmark, which cleans up before the runner exits 143', async () => {
    const run = await interruptRun([process.execPath, '--import', 'tsx', 'bench/run.ts'], 'SIGTERM', (root) => root.pid!);
    expectCleanExit(run, 143);
  });
});
