/**
 * How long the synth-time policy check takes on a large environment: the compliant fixture
 * (16 objects: namespace guard rails, a web workload with SA/PDB/HPA/Service/policy/routes, a
 * CronJob) repeated over many namespaces. Run: `npx tsx constructs/policy/bench/policy-check.ts`.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../index.js';
import { recordResults } from '../../../bench/results.js';

const NAMESPACES = 64;
const RUNS = 5;
/** Target: a 1,000-object environment checks well inside a second, so synth stays interactive. */
const TARGET_MS = 1000;

const importStart = performance.now();
const { checkManifests, validateLoadedSchemas, validateSchemas } = await import('../index.js');
const importMs = performance.now() - importStart;

const template = JSON.stringify(parseAllDocuments(readFileSync(new URL('../../test/policy/fixtures/compliant.yaml', import.meta.url), 'utf8')).map((d) => d.toJS()));
const objects: KubeObject[] = [];
for (let i = 0; i < NAMESPACES; i++) {
  objects.push(...(JSON.parse(template.replaceAll('"todo"', `"todo-${i}"`)) as KubeObject[]));
}

function median(fn: () => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const options = { externalNamespaces: ['ingress-nginx', 'kube-system', 'gateway-system'] };
const loadStart = performance.now();
const violations = checkManifests(objects, options).length + (await validateSchemas(objects)).length;
const loadMs = performance.now() - loadStart;
if (violations !== 0) throw new Error(`benchmark input should be compliant, got ${violations} violation(s)`);
const rulesMs = median(() => checkManifests(objects, options));
const schemaMs = median(() => validateLoadedSchemas(objects));

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`| measure (${objects.length} objects, ${NAMESPACES} namespaces, median of ${RUNS}) | target | figure |`);
console.log('|---|---|---|');
console.log(`| checkManifests (all rules) | < ${TARGET_MS} ms | ${rulesMs.toFixed(0)} ms |`);
console.log(`| validateLoadedSchemas (K01, models already loaded) | < ${TARGET_MS} ms | ${schemaMs.toFixed(0)} ms |`);
console.log(`| first import of the policy module (once per process) | - | ${importMs.toFixed(0)} ms |`);
console.log(`| first check: rules + loading the models of the kinds met + K01 (once per process) | - | ${loadMs.toFixed(0)} ms |`);
console.log(`\nmachine: ${machine}`);
recordResults([
  { area: 'policy check', what: `checkManifests, ${objects.length} objects`, target: `< ${TARGET_MS} ms`, figure: `${rulesMs.toFixed(0)} ms`, pass: rulesMs < TARGET_MS },
  { area: 'policy check', what: `schema validation (K01), ${objects.length} objects`, target: `< ${TARGET_MS} ms`, figure: `${schemaMs.toFixed(0)} ms`, pass: schemaMs < TARGET_MS },
]);
