/**
 * The cdk8s app: `npx cdk8s synth` (or `make synth`) runs this file through charts/synth-app.mjs
 * (`npx tsx charts/main.ts` runs the same code from source). It writes every environment's
 * manifests under CDK8S_OUTDIR (what `cdk8s synth --output DIR` sets; `dist` when unset), and exits
 * non-zero, writing nothing, when any object breaks the hardening policy or a schema.
 *
 * cdk8s-cli deletes its output folder before it runs the app, so cdk8s.yaml's `output` is a staging
 * folder, not dist/: when the CLI has the app write there, the app also publishes the same tree to
 * dist/, and only after every check passed. A refused synth leaves dist/ byte for byte as it was.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { synthesizePlatform } from './synth.js';

/** The folder Argo CD syncs. */
const PUBLISHED = 'dist';

/** cdk8s.yaml's `output`: where a plain `npx cdk8s synth` has the app write. */
function cliStagingFolder(): string {
  const config = parse(readFileSync(new URL('../cdk8s.yaml', import.meta.url), 'utf8')) as { output?: string };
  return config.output ?? PUBLISHED;
}

const outdir = process.env['CDK8S_OUTDIR'] ?? PUBLISHED;
const outdirs = resolve(outdir) === resolve(cliStagingFolder()) ? [outdir, PUBLISHED] : [outdir];
try {
  const files = await synthesizePlatform(outdirs);
  console.log(`wrote ${files.length} manifests to ${outdirs.map((dir) => `${dir}/`).join(' and ')}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
