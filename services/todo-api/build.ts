// Bundles src/main.ts into <outdir>/main.js, the tracing preload src/tracing.ts into <outdir>/tracing.js, and the span export
// thread the preload starts from its own folder into <outdir>/trace-export-worker.js (ESM, node20, dependencies left external so
// PGlite's WASM and data files load from node_modules). Used by the Dockerfile and its test.
// Usage: npx tsx services/todo-api/build.ts [outdir]   (default build/todo-api)
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundleTodoApi(outdir: string): Promise<string> {
  const source = (file: string) => fileURLToPath(new URL(file, import.meta.url));
  const outfile = path.join(outdir, 'main.js');
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: {
      main: source('./src/main.ts'),
      tracing: source('./src/tracing.ts'),
      'trace-export-worker': source('../shared/trace-export-worker.ts'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // Marks main.js as an ES module without depending on the repository's package.json.
  await writeFile(path.join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = await bundleTodoApi(path.resolve(process.argv[2] ?? 'build/todo-api'));
  console.log(`bundled ${outfile}`);
}
