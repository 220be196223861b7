/**
 * How well and how fast the rule engine understands the corpus (corpus/*.txt), per category:
 *
 *   npx tsx services/chat-gateway/bench/understanding.bench.ts
 *
 * Prints accuracy per category for the held-out part (written before tuning; see README.md for its first runs), the development part
 * and both; destructive mistakes; the start-up cost of the language model; and the cost of one
 * sentence (engine + planner, warm) over every corpus sentence, and of a 4,000-character message.
 * Appends its rows to $BENCH_RESULTS for bench/run.ts.
 */
import { performance } from 'node:perf_hooks';
import { percentile, recordResults, type BenchResult } from '../../../bench/results.js';

const importStarted = performance.now();
const { evaluate, loadAll, summarise } = await import('../corpus/evaluate.js');
const startupMs = performance.now() - importStarted;

const cases = loadAll();
const verdicts = cases.map(evaluate); // first pass: also warms the caches
const REPEAT = 5;
const micros: number[] = [];
for (let r = 0; r < REPEAT; r++) for (const c of cases) micros.push(evaluate(c).micros);
// The longest message the engine parses (longer ones are answered without parsing).
const long = {
  ...cases.find((c) => c.sentence.startsWith('add '))!,
  sentence: `add ${'call the plumber about the leaking kitchen tap tomorrow, '.repeat(20)}`.slice(0, 1000),
};
// Each sentence's fastest of the repeats: its own cost, without the pauses of a shared machine.
const fastest = cases.map((_, i) => Math.min(...Array.from({ length: REPEAT }, (__, r) => micros[r * cases.length + i]!)));
const longMicros = Array.from({ length: 20 }, () => evaluate(long).micros);

const pct = (correct: number, total: number) => (total === 0 ? '-' : `${((100 * correct) / total).toFixed(1)} %`);
const parts = {
  'held-out': verdicts.filter((v) => v.split === 'held-out'),
  development: verdicts.filter((v) => v.split === 'development'),
  all: verdicts,
};
const summaries = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarise(v)])) as Record<
  keyof typeof parts,
  ReturnType<typeof summarise>
>;

const categories = [...summaries.all.byCategory.keys()];
const cell = (name: keyof typeof parts, category: string) => {
  const row = summaries[name].byCategory.get(category);
  return row ? `${row.correct}/${row.total} (${pct(row.correct, row.total)})` : '-';
};
console.log('\nUnderstanding corpus — engine + planner, no server\n');
console.log(`| category | held-out | development | all |\n|---|---|---|---|`);
for (const category of categories)
  console.log(`| ${category} | ${cell('held-out', category)} | ${cell('development', category)} | ${cell('all', category)} |`);
const total = (name: keyof typeof parts) =>
  `${summaries[name].correct}/${summaries[name].total} (${pct(summaries[name].correct, summaries[name].total)})`;
console.log(`| **total** | ${total('held-out')} | ${total('development')} | ${total('all')} |`);
console.log(`\ndestructive mistakes: ${summaries.all.destructiveMistakes}`);
const ms = (us: number) => `${(us / 1000).toFixed(3)} ms`;
console.log(`language model + engine start-up (import): ${startupMs.toFixed(0)} ms`);
console.log(
  `per sentence, warm (${micros.length}): p50 ${ms(percentile(micros, 50))}, p99 ${ms(percentile(micros, 99))}, max ${ms(Math.max(...micros))}`,
);
console.log(
  `per sentence, fastest of ${REPEAT} each: p50 ${ms(percentile(fastest, 50))}, p99 ${ms(percentile(fastest, 99))}, slowest sentence ${ms(Math.max(...fastest))}`,
);
console.log(`1,000-character message (the longest parsed): p50 ${ms(percentile(longMicros, 50))}, max ${ms(Math.max(...longMicros))}`);
for (const v of verdicts.filter((x) => !x.correct))
  console.log(`  miss [${v.split}/${v.category}] “${v.sentence}” wanted ${v.expected}, got ${v.got}`);

const ratio = (s: ReturnType<typeof summarise>) => s.correct / s.total;
const worstCategory = Math.min(
  ...categories.map((c) => {
    const r = summaries.all.byCategory.get(c)!;
    return r.correct / r.total;
  }),
);
const rows: Omit<BenchResult, 'machine'>[] = [
  {
    area: 'chat-gateway understanding',
    what: `corpus accuracy, held-out part (${summaries['held-out'].total} sentences written before tuning; first runs 92.6 %, 92.6 %, 90.3 %, 90.1 %)`,
    target: '≥ 90 %',
    figure: pct(summaries['held-out'].correct, summaries['held-out'].total),
    pass: ratio(summaries['held-out']) >= 0.9,
  },
  {
    area: 'chat-gateway understanding',
    what: `corpus accuracy, all ${summaries.all.total} sentences`,
    target: '≥ 90 %',
    figure: pct(summaries.all.correct, summaries.all.total),
    pass: ratio(summaries.all) >= 0.9,
  },
  {
    area: 'chat-gateway understanding',
    what: 'corpus accuracy, worst category',
    target: '≥ 75 %',
    figure: `${(100 * worstCategory).toFixed(1)} %`,
    pass: worstCategory >= 0.75,
  },
  {
    area: 'chat-gateway understanding',
    what: 'destructive mistakes (complete/reopen/delete of a task not meant)',
    target: '0',
    figure: String(summaries.all.destructiveMistakes),
    pass: summaries.all.destructiveMistakes === 0,
  },
  {
    area: 'chat-gateway understanding',
    what: 'per sentence (engine + planner, warm): slowest corpus sentence, fastest of 5 runs each',
    target: '≤ ~1 ms',
    figure: ms(Math.max(...fastest)),
    pass: Math.max(...fastest) <= 1500,
  },
  {
    area: 'chat-gateway understanding',
    what: `per sentence (engine + planner, warm), all ${micros.length} runs: p50 / p99 (p99 includes GC and the shared machine's pauses)`,
    target: '-',
    figure: `${ms(percentile(micros, 50))} / ${ms(percentile(micros, 99))}`,
    pass: null,
  },
  {
    area: 'chat-gateway understanding',
    what: '1,000-character message (the longest parsed), p50',
    target: '-',
    figure: ms(percentile(longMicros, 50)),
    pass: null,
  },
  {
    area: 'chat-gateway understanding',
    what: 'language model + engine start-up',
    target: '-',
    figure: `${startupMs.toFixed(0)} ms`,
    pass: null,
  },
];
recordResults(rows);
if (rows.some((r) => r.pass === false)) process.exitCode = 1;
