import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { expect } from 'chai';

/** Helpers for tests that run a service's real main.ts (todo-api and chat-gateway start-up tests). */
export interface Exit {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a service's real main.ts with `env` on top of a clean environment; resolves when it exits. */
export async function runMain(main: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    output += String(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

/** A port held by another listener for the test's duration. */
export async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = net.createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  return { port: (holder.address() as net.AddressInfo).port, release: () => new Promise((resolve) => holder.close(() => resolve())) };
}

/** Exit 1 with one fatal log line naming the setting, and no stack trace. */
export function expectPlainStartFailure(exit: Exit, message: string): void {
  expect(exit.code, exit.output).to.equal(1);
  const fatal = exit.output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => entry.level === 60);
  expect(
    fatal.map((entry) => entry.msg),
    exit.output,
  ).to.deep.equal([message]);
  expect(exit.output, 'no stack trace').not.to.match(/\n\s+at |"stack"/);
}
