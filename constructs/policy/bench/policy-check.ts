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
const { HardeningValidation } = await import('../index.js');
const importMs = performance.now() - importStart;

const template = JSON.stringify(
  parseAllDocuments(readFileSync(new URL('../../test/policy/fixtures/compliant.yaml', import.meta.url), 'utf8')).map((d) => d.toJS()),
);
const objects: KubeObject[] = [];
for (let i = 0; i < NAMESPACES; i++) {
  objects.push(...(JSON.parse(template.replaceAll('"todo"', `"todo-${i}"`)) as KubeObject[]));
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const policy = new HardeningValidation({ externalNamespaces: ['ingress-nginx', 'kube-system', 'gateway-system'] });
const loadStart = performance.now();
const findings = (await policy.check(objects)).length;
const loadMs = performance.now() - loadStart;
if (findings !== 0) throw new Error(`benchmark input should be compliant, got ${findings} finding(s)`);
const checkMs = await median(() => policy.check(objects));

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`| measure (${objects.length} objects, ${NAMESPACES} namespaces, median of ${RUNS}) | target | figure |`);
console.log('|---|---|---|');
console.log(`| HardeningValidation.check (all rules + schemas, models already loaded) | < ${TARGET_MS} ms | ${checkMs.toFixed(0)} ms |`);
console.log(`| first import of the policy module (once per process) | - | ${importMs.toFixed(0)} ms |`);
console.log(`| first check: rules + loading the models of the kinds met + schemas (once per process) | - | ${loadMs.toFixed(0)} ms |`);
console.log(`\nmachine: ${machine}`);
recordResults([
  {
    area: 'policy check',
    what: `HardeningValidation.check, ${objects.length} objects`,
    target: `< ${TARGET_MS} ms`,
    figure: `${checkMs.toFixed(0)} ms`,
    pass: checkMs < TARGET_MS,
  },
]);
