/**
 * The cdk8s app (cdk8s.yaml `app:`): runs charts/main.ts from a build that is made only when its
 * sources changed, so a synth pays neither a TypeScript loader nor a bundler on every run.
 *
 * - The construct library is used as an outside project uses it: the package's own build
 *   (`constructs/lib/`, `npm run build -w constructs`), rebuilt here only when a source file of the
 *   package differs from the one it was built from.
 * - The charts are bundled with esbuild into `build/synth/app-<hash>.mjs`, the hash taken over the
 *   charts' sources; dependencies, the package included, stay external (loaded from node_modules).
 * Builds are written under a temporary name and renamed, so synths running side by side never
 * read a half-written file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONSTRUCTS = join(ROOT, 'constructs');
const CHARTS = join(ROOT, 'charts');
const BUNDLES = join(ROOT, 'build', 'synth');
/** Folders that are not sources of the build they sit in. */
const NOT_SOURCES = new Set(['test', 'lib', 'node_modules', 'bench', 'docs', 'tools']);

/** The files under `dir` that a build reads (TypeScript and data files), sorted. */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|json|sh|conf)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(
      (file) =>
        !relative(dir, file)
          .split('/')
          .some((part) => NOT_SOURCES.has(part)),
    )
    .sort();
}

/** A digest of the names and bytes of `files`, relative to `dir`. */
function digest(dir, files) {
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${relative(dir, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Rebuilds the construct package when its sources changed since `lib/` was built. */
function ensurePackageBuilt() {
  const stamp = join(CONSTRUCTS, 'lib', '.source-digest');
  const wanted = digest(CONSTRUCTS, sourceFiles(CONSTRUCTS));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: CONSTRUCTS, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(stamp, wanted);
}

/** The charts bundle for the current sources, built when there is none yet. */
async function chartsBundle() {
  const bundle = join(BUNDLES, `app-${digest(CHARTS, sourceFiles(CHARTS))}.mjs`);
  if (existsSync(bundle)) return bundle;
  const { build } = await import('esbuild');
  mkdirSync(BUNDLES, { recursive: true });
  const partial = `${bundle}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(CHARTS, 'main.ts')],
    outfile: partial,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [ownImportMetaUrl],
    logLevel: 'warning',
  });
  // Older bundles are of sources that no longer exist.
  for (const old of readdirSync(BUNDLES)) if (old.startsWith('app-') && old.endsWith('.mjs')) rmSync(join(BUNDLES, old), { force: true });
  renameSync(partial, bundle);
  return bundle;
}

/** Keeps each module's `import.meta.url` its source file's, so relative data files resolve as unbundled. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, ({ path }) => ({
      contents: readFileSync(path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
      loader: 'ts',
    }));
  },
};

ensurePackageBuilt();
await import(pathToFileURL(await chartsBundle()).href);
