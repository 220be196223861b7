/**
 * Configuration from environment variables, shared by the Node services (bundled into each image).
 * Bad values fail start-up with the variable's name, instead of running misconfigured.
 */
import { readFileSync } from 'node:fs';

/** Reads NAME, or the file NAME_FILE points at (how Kubernetes mounts secrets); the file wins. */
export function readSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Reads an integer NAME within [min, max]; unset or empty gives the fallback. */
export function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads a boolean NAME, `true` or `false`; unset or empty gives the fallback, anything else is refused. */
export function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}
