/**
 * The cdk8s app: `npx cdk8s synth` (or `make synth`) runs this file, bundled by charts/synth-app.mjs
 * (`npx tsx charts/main.ts` runs the same code unbundled). It writes every
 * environment's manifests under CDK8S_OUTDIR (what `cdk8s synth --output DIR` sets; `dist` when
 * unset), and exits non-zero, writing nothing, when any object breaks the hardening policy.
 */
import { synthesizePlatform } from './synth.js';

const outdir = process.env['CDK8S_OUTDIR'] ?? 'dist';
try {
  const files = await synthesizePlatform(outdir);
  console.log(`wrote ${files.length} manifests to ${outdir}/`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
