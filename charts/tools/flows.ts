/**
 * `make flows`: for each environment folder of dist/ (the committed YAML, what Argo CD applies), the
 * connections its NetworkPolicies allow — source → destination:port, egress out of the cluster
 * included. `DIST` points at another output folder (e.g. one made by `cdk8s synth --output`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFlows, networkFlows } from '@todo-platform/hardened-constructs';
import { parseAllDocuments } from 'yaml';

const dist = process.env['DIST'] ?? 'dist';
const folders = readdirSync(dist, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
for (const folder of folders) {
  const objects = readdirSync(join(dist, folder))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(dist, folder, file), 'utf8')).map((doc) => doc.toJSON() as unknown));
  const flows = networkFlows(objects);
  if (flows.length === 0) continue;
  console.log(`== ${folder}: ${flows.length} allowed connections\n${formatFlows(flows)}\n`);
}
