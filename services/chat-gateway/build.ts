/**
 * Bundles the gateway and its dependencies into one ES module, so the image needs no node_modules.
 *
 *   npx tsx services/chat-gateway/build.ts [outDir]      # default build/chat-gateway
 */
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GATEWAY_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Default output folder (git-ignored build/, never dist/), where the Dockerfile copies it from. */
export const DEFAULT_OUT_DIR = path.resolve(GATEWAY_DIR, '../../build/chat-gateway');

/**
 * Writes `<outDir>/main.mjs`, the tracing preload `<outDir>/tracing.mjs` and the span export thread
 * it starts from its own folder, `<outDir>/trace-export-worker.mjs`; returns main.mjs's path.
 */
export async function buildGateway(outDir: string = DEFAULT_OUT_DIR): Promise<string> {
  const outfile = path.join(outDir, 'main.mjs');
  await esbuild.build({
    entryPoints: {
      main: path.join(GATEWAY_DIR, 'src/main.ts'),
      tracing: path.join(GATEWAY_DIR, 'src/tracing.ts'),
      'trace-export-worker': path.join(GATEWAY_DIR, '../shared/trace-export-worker.ts'),
    },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // ws loads these optional native helpers only if present; the image does without them.
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS dependencies (pino, prom-client) call require() for Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = await buildGateway(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`wrote ${path.relative(process.cwd(), outfile)}`);
}
