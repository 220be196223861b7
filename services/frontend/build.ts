/**
 * Builds the static app with esbuild into content-hashed assets plus an index.html that
 * references them (no inline script or style, so the CSP can forbid both).
 *
 *   npx tsx services/frontend/build.ts [outDir]      # default build/frontend
 */
import * as esbuild from 'esbuild';
import { mkdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FRONTEND_DIR = path.dirname(fileURLToPath(import.meta.url));
const SRC_DIR = path.join(FRONTEND_DIR, 'src');

/** Default output folder (git-ignored build/, never dist/). */
export const DEFAULT_OUT_DIR = path.resolve(FRONTEND_DIR, '../../build/frontend');

export interface BuildOptions {
  /**
   * Folder the site is written to; it is emptied first.
   * @default build/frontend at the repository root, where the Dockerfile copies it from
   */
  readonly outDir?: string;
  /**
   * Minify JS and CSS.
   * @default true — the bundle budget is measured on what ships
   */
  readonly minify?: boolean;
}

/** One file the build wrote, relative to outDir with a leading slash. */
export interface BuiltFile {
  readonly path: string;
  readonly bytes: number;
}

export interface BuildResult {
  readonly outDir: string;
  /** URL path of the hashed script, e.g. /assets/app-3FQ2M1XK.js. */
  readonly script: string;
  /** URL path of the hashed stylesheet. */
  readonly stylesheet: string;
  readonly files: readonly BuiltFile[];
}

/** Fills the index.html template with the hashed asset paths. */
export function renderIndexHtml(template: string, assets: { script: string; stylesheet: string }): string {
  for (const placeholder of ['{{script}}', '{{stylesheet}}']) {
    if (!template.includes(placeholder)) throw new Error(`index.html template lacks ${placeholder}`);
  }
  return template.replaceAll('{{script}}', assets.script).replaceAll('{{stylesheet}}', assets.stylesheet);
}

function esbuildOptions(outDir: string, minify: boolean): esbuild.BuildOptions & { metafile: true } {
  return {
    entryPoints: { app: path.join(SRC_DIR, 'main.ts') },
    outdir: outDir,
    entryNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    minify,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    write: true,
  };
}

/** Writes index.html (pointing at this build's hashed files) and the favicon next to esbuild's output. */
async function finishBuild(outDir: string, metafile: esbuild.Metafile): Promise<BuildResult> {
  const outputs = Object.keys(metafile.outputs).map((file) => `/${path.relative(outDir, path.resolve(file)).split(path.sep).join('/')}`);
  const script = outputs.find((f) => f.endsWith('.js'));
  const stylesheet = outputs.find((f) => f.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`esbuild produced no script or stylesheet: ${outputs.join(', ')}`);
  const template = await readFile(path.join(SRC_DIR, 'index.html'), 'utf8');
  await writeFile(path.join(outDir, 'index.html'), renderIndexHtml(template, { script, stylesheet }));
  await copyFile(path.join(SRC_DIR, 'favicon.svg'), path.join(outDir, 'favicon.svg'));
  const files: BuiltFile[] = [];
  for (const file of [...outputs, '/index.html', '/favicon.svg']) {
    const bytes = (await readFile(path.join(outDir, file))).length;
    files.push({ path: file, bytes });
  }
  return { outDir, script, stylesheet, files };
}

async function emptyDir(outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
}

/** Builds the app once. */
export async function buildFrontend(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  await emptyDir(outDir);
  const result = await esbuild.build(esbuildOptions(outDir, options.minify ?? true));
  return finishBuild(outDir, result.metafile);
}

/**
 * Builds the app, then rebuilds on every source change (index.html is rewritten to the new
 * hashes; a page reload picks them up). Resolves after the first build.
 */
export async function watchFrontend(
  options: BuildOptions & { readonly onRebuild: (result: BuildResult | Error) => void },
): Promise<{ readonly first: BuildResult; dispose(): Promise<void> }> {
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  await emptyDir(outDir);
  let first: ((result: BuildResult | Error) => void) | null = null;
  const firstBuild = new Promise<BuildResult | Error>((resolve) => (first = resolve));
  const context = await esbuild.context({
    ...esbuildOptions(outDir, options.minify ?? true),
    plugins: [
      {
        name: 'index-html',
        setup(build) {
          build.onEnd(async (result) => {
            const outcome =
              result.errors.length > 0 || !result.metafile
                ? new Error(result.errors.map((e) => e.text).join('; ') || 'build failed')
                : await finishBuild(outDir, result.metafile).catch((error: Error) => error);
            if (first) {
              first(outcome);
              first = null;
            } else {
              options.onRebuild(outcome);
            }
          });
        },
      },
    ],
  });
  await context.watch();
  const outcome = await firstBuild;
  if (outcome instanceof Error) {
    await context.dispose();
    throw outcome;
  }
  return { first: outcome, dispose: () => context.dispose() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildFrontend({ outDir: process.argv[2] ?? DEFAULT_OUT_DIR });
  for (const file of built.files) console.log(`${file.path}\t${file.bytes} B`);
  console.log(`built into ${built.outDir}`);
}
