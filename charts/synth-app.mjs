/**
 * The cdk8s app (cdk8s.yaml `app:`): bundles charts/main.ts and the construct library with esbuild
 * into build/synth/<pid>/main.mjs, then runs it with plain Node. It is the same code `tsx charts/main.ts`
 * runs, but without a TypeScript loader hooking every one of the hundreds of module imports, which
 * cost about a second of every synth. Dependencies stay external (loaded from node_modules).
 */
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
// One bundle per process, so synths running side by side (CI, a drift check) never read each other's.
const outdir = fileURLToPath(new URL(`../build/synth/${process.pid}/`, import.meta.url));
const outfile = `${outdir}main.mjs`;

/**
 * Modules find their data files (images.json, the nginx config, the backup script) relative to
 * `import.meta.url`; in a bundle that would be the bundle's URL, so each module keeps its own.
 */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
      loader: 'ts',
    }));
  },
};

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [ownImportMetaUrl],
  logLevel: 'warning',
});
try {
  await import(pathToFileURL(outfile).href);
} finally {
  await rm(outdir, { recursive: true, force: true });
}
