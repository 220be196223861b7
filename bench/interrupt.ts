/**
 * Stopping a benchmark cleanly, at its end or on Ctrl-C (SIGINT) / SIGTERM: what it made is
 * registered as it is made (child processes, databases, temp folders) and undone in reverse order,
 * once, whichever comes first. On a signal the process then exits with 128 + the signal number
 * (130 for SIGINT, 143 for SIGTERM), as a shell reports a process a signal ended.
 *
 *   await runBenchmark(async () => { const url = await createBenchDatabase(admin, name); … });
 */
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import pg from 'pg';

/** One undo step; `signal` is the one that interrupted the run, undefined at a normal end. */
type CleanupStep = (signal: NodeJS.Signals | undefined) => unknown;

const steps: CleanupStep[] = [];
let cleaning: Promise<void> | undefined;
let interruptedBy: NodeJS.Signals | undefined;
/** A stuck step must not keep the process (and what it holds) alive forever. */
const CLEANUP_DEADLINE_MS = 60_000;

/**
 * Registers an undo step; steps run last registered first, like nested `finally` blocks. A step
 * registered once cleanup has begun (the body was still starting something) runs right after it.
 */
export function onCleanup(step: CleanupStep): void {
  if (cleaning) cleaning = cleaning.then(() => runStep(step, interruptedBy));
  else steps.push(step);
}

/** The signal that interrupted the run, if one did: a loop checks it before starting more work. */
export function interruptedSignal(): NodeJS.Signals | undefined {
  return interruptedBy;
}

async function runStep(step: CleanupStep, signal: NodeJS.Signals | undefined): Promise<void> {
  try {
    await step(signal);
  } catch (error) {
    console.error(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Runs every registered step once (later calls share the first run), and any registered while it
 * runs; a failing step does not stop the others.
 */
export async function cleanUp(signal?: NodeJS.Signals): Promise<void> {
  cleaning ??= (async () => {
    for (const step of steps.reverse()) await runStep(step, signal);
  })();
  let current: Promise<void>;
  do {
    current = cleaning;
    await current;
  } while (current !== cleaning);
}

const exitCodeOf = (signal: NodeJS.Signals) => 128 + os.constants.signals[signal];

/**
 * On SIGINT or SIGTERM: clean up, then exit 128 + the signal number. Later signals change
 * nothing (one Ctrl-C reaches every process of the terminal's group, and tsx relays it too).
 */
export function exitCleanlyOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interruptedBy) return;
      interruptedBy = signal;
      console.error(`\n${signal}: stopping and cleaning up`);
      setTimeout(() => process.exit(exitCodeOf(signal)), CLEANUP_DEADLINE_MS).unref();
      void cleanUp(signal).finally(() => process.exit(exitCodeOf(signal)));
    });
  }
}

/**
 * Runs a benchmark's body with signal handling, then cleans up. An error after a signal is the
 * interruption's (a server it stopped), not a failure to report; any other sets exit code 1.
 */
export async function runBenchmark(body: () => Promise<void>): Promise<void> {
  exitCleanlyOnSignals();
  try {
    await body();
  } catch (error) {
    if (!interruptedBy) {
      console.error(error);
      process.exitCode = 1;
    }
  } finally {
    await cleanUp();
  }
  if (interruptedBy) process.exit(exitCodeOf(interruptedBy));
}

/** Whether any process is left in a process group (a signal 0 reaches none once it is empty). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a child process and waits until it has exited; SIGKILL after `graceMs`. With `group` (the
 * child was spawned `detached`, so it leads its own process group) the signal goes to the whole
 * group and the wait lasts until every process of it has exited: a `bash -c` leader may die at
 * once while the benchmark under it is still cleaning up.
 */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  { group = false, graceMs = 10_000 } = {},
): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const leaderRunning = child.exitCode === null && child.signalCode === null;
  if (!leaderRunning && !(group && groupAlive(pid))) return;
  const leaderExited = leaderRunning ? new Promise<void>((resolve) => child.once('exit', () => resolve())) : Promise.resolve();
  const send = (s: NodeJS.Signals) => {
    try {
      process.kill(group ? -pid : pid, s);
    } catch {
      /* already gone */
    }
  };
  send(signal);
  const killAt = Date.now() + graceMs;
  let killed = false;
  const gone = async () => {
    await leaderExited;
    while (group && groupAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const escalate = setInterval(() => {
    if (!killed && Date.now() >= killAt) {
      killed = true;
      send('SIGKILL');
    }
  }, 100);
  try {
    await gone();
  } finally {
    clearInterval(escalate);
  }
}

/** Registers a child to be stopped (and waited for) at cleanup, with the interrupting signal if any. */
export function stopAtCleanup(child: ChildProcess, options: { group?: boolean; graceMs?: number } = {}): ChildProcess {
  onCleanup((signal) => stopProcess(child, signal ?? 'SIGTERM', options));
  return child;
}

/** Registers a folder or file to be removed at cleanup. */
export function removeAtCleanup(target: string): string {
  onCleanup(() => rm(target, { recursive: true, force: true }));
  return target;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates database `name` (letters, digits, `_`) on the server of `adminUrl` and registers its
 * drop (`with (force)`: the servers' connections may still be open). The drop is registered
 * before the create is sent and waits for it, so a signal during the create leaves nothing behind.
 * Returns the database's URL.
 */
export async function createBenchDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid benchmark database name "${name}"`);
  let created: Promise<void> = Promise.resolve();
  onCleanup(async () => {
    await created.catch(() => undefined);
    await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  });
  created = adminQuery(adminUrl, `create database ${name}`);
  await created;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
