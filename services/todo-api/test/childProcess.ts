// The API as a separate process: the production bundle run with the image's node options, or
// main.ts through tsx, so tests can signal it and read its memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTodoApi } from '../build.js';
import { imageCommand } from '../image.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface ApiProcess {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly output: () => string;
}

/** Settings every spawned API gets: an ephemeral loopback port and limits far above what tests send. */
const BASE_ENV = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  LOGIN_RATE_LIMIT: '100000',
  AUTH_IP_RATE_LIMIT: '100000',
  API_RATE_LIMIT_PER_MINUTE: '10000000',
};

let bundle: Promise<string> | undefined;

/** Builds the bundle once per test run, laid out as in the image (/app/build/todo-api + /app/node_modules). */
function bundleDir(): Promise<string> {
  bundle ??= (async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'todo-api-bundle-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    await bundleTodoApi(path.join(root, 'build/todo-api'));
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    return root;
  })();
  return bundle;
}

async function waitForListening(child: ChildProcess, output: () => string): Promise<string> {
  const started = Date.now();
  for (;;) {
    const port = /"port":(\d+)[^\n]*"msg":"todo-api listening"/.exec(output())?.[1];
    if (port) return `http://127.0.0.1:${port}`;
    if (child.exitCode !== null) throw new Error(`the API exited early:\n${output()}`);
    if (Date.now() - started > 80_000) throw new Error(`the API did not start:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function start(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...BASE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const output = () => text;
  const url = await waitForListening(child, output);
  return { process: child, pid: child.pid!, url, output };
}

/** The esbuild bundle with exactly the node options of the Dockerfile's CMD, as in production. */
export async function spawnBundle(env: Record<string, string>): Promise<ApiProcess> {
  const cwd = await bundleDir();
  const [, ...args] = await imageCommand();
  return start(process.execPath, args, cwd, { NODE_ENV: 'production', ...env });
}

/** main.ts through tsx, as `npm run api` runs it. */
export function spawnMain(env: Record<string, string>): Promise<ApiProcess> {
  return start(process.execPath, ['--import', 'tsx', MAIN], REPO_ROOT, env);
}

/** A field of /proc/<pid>/status in bytes (VmRSS: resident now, VmHWM: peak resident). */
export async function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
  if (!kb) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

/** Resets the peak (VmHWM) to the current RSS, so a later VmHWM covers only what came after. */
export async function resetPeakMemory(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}
