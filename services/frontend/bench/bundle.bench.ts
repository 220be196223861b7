/**
 * Bundle-size benchmark: builds the app and prints JS and CSS sizes, raw and gzipped (level 6,
 * as nginx/default.conf serves them), against the 60 KB gzipped budget of issue 6.
 *
 *   npx tsx services/frontend/bench/bundle.bench.ts
 *
 * Exits 1 when the budget is exceeded, so CI can run it as a gate.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { recordResults } from '../../../bench/results.js';
import { buildFrontend } from '../build.js';

const BUDGET_BYTES = 60 * 1024;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

const outDir = await mkdtemp(path.join(os.tmpdir(), 'frontend-bench-'));
try {
  const started = performance.now();
  const built = await buildFrontend({ outDir });
  const buildMs = performance.now() - started;
  const rows: { file: string; raw: number; gzip: number }[] = [];
  for (const file of built.files.filter((f) => /\.(js|css)$/.test(f.path))) {
    const content = await readFile(path.join(outDir, file.path));
    rows.push({ file: file.path, raw: content.length, gzip: gzipSync(content, { level: 6 }).length });
  }
  const totalRaw = rows.reduce((sum, r) => sum + r.raw, 0);
  const totalGzip = rows.reduce((sum, r) => sum + r.gzip, 0);
  const ok = totalGzip < BUDGET_BYTES;
  const cpus = os.cpus();
  console.log('## Frontend bundle size\n');
  console.log(
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; esbuild build took ${buildMs.toFixed(0)} ms\n`,
  );
  console.log('| asset | raw | gzipped | target | result |');
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.file} | ${kib(r.raw)} | ${kib(r.gzip)} | | |`);
  console.log(
    `| **total JS + CSS** | ${kib(totalRaw)} | **${kib(totalGzip)}** | < ${kib(BUDGET_BYTES)} gzipped | ${ok ? 'PASS' : 'FAIL'} |`,
  );
  recordResults([
    {
      area: 'frontend',
      what: 'bundle size, all JS + CSS, gzipped (raw in brackets)',
      target: `< ${kib(BUDGET_BYTES)}`,
      figure: `${kib(totalGzip)} (${kib(totalRaw)})`,
      pass: ok,
    },
  ]);
  if (!ok) process.exitCode = 1;
} finally {
  await rm(outDir, { recursive: true, force: true });
}
