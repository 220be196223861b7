/**
 * The cdk8s app (cdk8s.yaml `app:`): runs charts/main.ts from a build that is made only when its
 * sources changed, so a synth pays neither a TypeScript loader nor a bundler on every run.
 *
 * - The construct library is used as an outside project uses it: the package's own build
 *   (`constructs/lib/`, `npm run build -w constructs`), rebuilt here only when a source file of the
 *   package differs from the one it was built from.
 * - The charts are bundled with esbuild into `build/synth/app-<hash>.mjs` together with everything
 *   they import (cdk8s, constructs, the package's `lib/`, kubernetes-models, yaml), the hash taken
 *   over the charts' sources, the package's source digest, package-lock.json and this file: one
 *   module to load instead of about a thousand. Its code is the package's build, not its sources.
 * Builds are written under a temporary name and renamed, so synths running side by side never
 * read a half-written file. Nothing else is kept between runs: every synth builds, checks and
 * writes every object.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import module, { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONSTRUCTS = join(ROOT, 'constructs');
const CHARTS = join(ROOT, 'charts');
const BUNDLES = join(ROOT, 'build', 'synth');
/**
 * Inputs of the charts bundle besides the charts' sources: the dependencies' versions, the
 * package's build (its source digest), and this file (the bundle options).
 */
const BUNDLE_INPUTS = [join(ROOT, 'package-lock.json'), join(CONSTRUCTS, 'lib', '.source-digest'), fileURLToPath(import.meta.url)];
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
  const bundle = join(BUNDLES, `app-${digest(ROOT, [...sourceFiles(CHARTS), ...BUNDLE_INPUTS])}.mjs`);
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
    // Dependencies are bundled too: one module to load instead of ~1,000 (cdk8s, constructs, the
    // package's lib/, kubernetes-models and their validators) saves the resolution and CommonJS
    // export analysis of each. Their CommonJS code keeps a real `require` for Node's built-ins.
    banner: { js: "import { createRequire as __synthRequire } from 'node:module'; const require = __synthRequire(import.meta.url);" },
    plugins: [ownLocation],
    // Whitespace and comments out (names and code kept, so stack traces still name functions):
    // 5.7 MB becomes 4.3 MB, and Node reads, hashes for its compile cache and lazily compiles less:
    // ~40 ms less to load it (7 % of the app's run, 8 alternating runs).
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // Older bundles are of sources that no longer exist.
  for (const old of readdirSync(BUNDLES)) if (old.startsWith('app-') && old.endsWith('.mjs')) rmSync(join(BUNDLES, old), { force: true });
  renameSync(partial, bundle);
  return bundle;
}

/**
 * Keeps each module's own location: `import.meta.url`, `__dirname` and `__filename` become the
 * source file's, so files read relative to a module (the charts' data files, a dependency's .wasm)
 * resolve as they do unbundled.
 */
const ownLocation = {
  name: 'own-location',
  setup(esbuild) {
    // Node's own `punycode` is deprecated (a warning on every run once the code is outside
    // node_modules); the npm package of the same code is installed, so the bundle takes that.
    esbuild.onResolve({ filter: /^punycode$/ }, () => ({ path: createRequire(import.meta.url).resolve('punycode/') }));
    esbuild.onLoad({ filter: /\.(ts|js|cjs|mjs)$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const loader = path.endsWith('.ts') ? 'ts' : 'js';
      if (!/import\.meta\.url|\b__dirname\b|\b__filename\b/.test(source)) return { contents: source, loader };
      return {
        contents: source
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href))
          .replaceAll(/\b__dirname\b/g, JSON.stringify(dirname(path)))
          .replaceAll(/\b__filename\b/g, JSON.stringify(path)),
        loader,
      };
    });
  },
};

// Node >= 22.8 keeps V8's compiled code of the bundle between runs (checked against the file's
// content; NODE_COMPILE_CACHE chooses the folder, the OS temp folder by default); Node 20 has no
// such cache and compiles the bundle on each run.
module.enableCompileCache?.();
ensurePackageBuilt();
await import(pathToFileURL(await chartsBundle()).href);
