/**
 * The one format every benchmark reports in, so `bench/run.ts` can print a single table.
 * Each benchmark still prints its own table; when `BENCH_RESULTS` names a file, it also appends
 * one JSON line per measure there.
 */
import { appendFileSync } from 'node:fs';
import os from 'node:os';

/** One measured figure against its target. */
export interface BenchResult {
  /** Which part of the system, e.g. `synth`, `todo-api`, `chat-gateway`. */
  readonly area: string;
  /** What was measured, in words a reader understands without the code. */
  readonly what: string;
  /** The target, as text (`< 2 s`), or `-` for context rows without one. */
  readonly target: string;
  /** The figure, with its unit. */
  readonly figure: string;
  /** Whether the target was met; `null` for context rows without a target. */
  readonly pass: boolean | null;
  /** The machine it ran on (cores, memory, Node). */
  readonly machine: string;
}

/** `2 cores (AMD EPYC …), 23.5 GiB, Node v20.20.2` — the same text in every row. */
export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
}

/** Percentile of a list of numbers (nearest rank); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Appends the results to `$BENCH_RESULTS` as JSON lines; does nothing when it is unset. */
export function recordResults(results: readonly Omit<BenchResult, 'machine'>[], file = process.env.BENCH_RESULTS): void {
  if (!file) return;
  const machine = machineDescription();
  appendFileSync(file, results.map((r) => `${JSON.stringify({ ...r, machine })}\n`).join(''));
}
