/**
 * Configuration from environment variables, shared by the Node services (bundled into each image).
 * Bad values fail start-up with the variable's name, instead of running misconfigured.
 */
import { readFileSync } from 'node:fs';

/** A setting that cannot work; its message names the setting and the value, and is all a person needs. */
export class ConfigError extends Error {}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a parent is not a directory',
};

/** Reads NAME, or the file NAME_FILE points at (how Kubernetes mounts secrets); the file wins. */
export function readSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      const problem = FILE_PROBLEMS[(error as NodeJS.ErrnoException).code ?? ''];
      if (problem) throw new ConfigError(`${name}_FILE=${file}: ${problem}`);
      throw error;
    }
  }
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Reads an integer NAME within [min, max]; unset or empty gives the fallback. */
export function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads a boolean NAME, `true` or `false`; unset or empty gives the fallback, anything else is refused. */
export function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * The one-line reason a service could not start, naming the setting to change, for the errors a
 * person can fix (bad settings, a port in use); undefined for anything else (then log it in full).
 */
export function startupProblem(error: unknown): string | undefined {
  if (error instanceof ConfigError) return error.message;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, syscall, port, address } = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (syscall !== 'listen') return undefined;
  if (code === 'EADDRINUSE') return `PORT ${port} is in use on ${address}: set PORT to a free port`;
  if (code === 'EACCES') return `PORT ${port} needs privileges to bind: set PORT to 1024 or above`;
  if (code === 'EADDRNOTAVAIL') return `HOST ${address} is not an address of this machine: set HOST (0.0.0.0 for all)`;
  return undefined;
}
