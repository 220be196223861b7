import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { stringify } from 'yaml';

const SNAPSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '__snapshots__');

/** Synthesized objects as the multi-document YAML `cdk8s synth` writes, for readable fixtures. */
export function toYaml(objects: readonly unknown[]): string {
  return objects.map((object) => stringify(object)).join('---\n');
}

/**
 * Compares objects with the fixture `__snapshots__/<name>.yaml`. With `UPDATE_SNAPSHOTS=1` the
 * fixture is (re)written instead, so a deliberate change is one command and a reviewed YAML diff.
 */
export function expectSnapshot(name: string, objects: readonly unknown[]): void {
  const file = join(SNAPSHOT_DIR, `${name}.yaml`);
  const actual = toYaml(objects);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`missing snapshot ${file}: run the tests with UPDATE_SNAPSHOTS=1 to create it`);
  }
  expect(actual, `snapshot ${name} differs (UPDATE_SNAPSHOTS=1 rewrites it)`).to.equal(expected);
}

/** A synthesized Kubernetes object, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
export type Manifest = Record<string, any>;

/** The single object of a kind in a synth result (fails the test if there is not exactly one). */
export function only(objects: readonly Manifest[], kind: string): Manifest {
  const matches = objects.filter((o) => o.kind === kind);
  expect(
    matches.map((o) => o.kind),
    `objects of kind ${kind}`,
  ).to.have.length(1);
  return matches[0]!;
}
