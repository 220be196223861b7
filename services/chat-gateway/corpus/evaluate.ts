/**
 * Runs the understanding corpus at engine level: each sentence goes through the rule engine and
 * the planner (src/intent/plan.ts) against a fixed set of tasks, and the planned effect on the
 * tasks is compared with the expected one. No server, no sockets: ~1 ms a sentence.
 *
 * Line format (see corpus/README.md):   [{it=b shown=a,i pending=delete}] sentence => expectation
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareTasks } from '../../shared/task-order.js';
import type { Task } from '../../shared/todo-api-types.js';
import type { ConversationContext } from '../src/intent/engine.js';
import { plan, type Plan } from '../src/intent/plan.js';
import { RuleBasedIntentEngine } from '../src/intent/rule-based-engine.js';
import type { TaskToolCall } from '../src/intent/tools.js';

const CORPUS_DIR = path.dirname(fileURLToPath(import.meta.url));
/** The held-out files were written before tuning (their first runs are in README.md); development.txt was tuned against. */
export const CORPUS_FILES = {
  heldOut: [
    path.join(CORPUS_DIR, 'held-out.txt'),
    path.join(CORPUS_DIR, 'held-out-2.txt'),
    path.join(CORPUS_DIR, 'held-out-3.txt'),
    path.join(CORPUS_DIR, 'held-out-4.txt'),
  ],
  development: [path.join(CORPUS_DIR, 'development.txt')],
} as const;

/** Wednesday 18 November 2026, 11:00 in Paris (UTC+1). */
export const NOW = new Date('2026-11-18T10:00:00Z');
export const TIME_ZONE = 'Europe/Paris';
const PARIS_OFFSET_HOURS = 1;

const task = (
  id: string,
  title: string,
  completed: boolean,
  dueAt: string | null,
  priority: Task['priority'],
  createdAt: string,
): Task => ({
  id,
  title,
  description: '',
  completed,
  dueAt,
  priority,
  tags: [],
  createdAt,
  updatedAt: createdAt,
});
/** The user's tasks for every sentence; ids are single letters so expectations stay short. */
export const FIXTURE: readonly Task[] = [
  task('g', 'Submit expense report', false, '2026-11-16T22:59:00.000Z', 'medium', '2026-11-01T10:00:00.000Z'),
  task('a', 'Buy milk', false, '2026-11-18T17:00:00.000Z', 'medium', '2026-11-02T10:00:00.000Z'),
  task('e', 'Finish the slides', false, '2026-11-19T09:00:00.000Z', 'medium', '2026-11-03T10:00:00.000Z'),
  task('b', 'Pay rent', false, '2026-11-20T22:59:00.000Z', 'high', '2026-11-04T10:00:00.000Z'),
  task('f', 'Book flights', false, '2026-11-25T22:59:00.000Z', 'low', '2026-11-05T10:00:00.000Z'),
  task('d', 'Feed the cat', false, null, 'medium', '2026-11-07T10:00:00.000Z'),
  task('i', 'Buy bread', false, null, 'medium', '2026-11-06T10:00:00.000Z'),
  task('c', 'Call mom', true, '2026-11-17T22:59:00.000Z', 'medium', '2026-11-08T10:00:00.000Z'),
  task('h', 'Water the plants', true, null, 'medium', '2026-11-09T10:00:00.000Z'),
].sort(compareTasks);

export interface Case {
  readonly split: 'held-out' | 'development';
  readonly category: string;
  readonly line: number;
  readonly sentence: string;
  readonly expected: string;
  readonly context: Readonly<Record<string, string>>;
}

export interface Verdict extends Case {
  readonly got: string;
  readonly correct: boolean;
  /** A task was completed, reopened or deleted that the sentence did not mean. */
  readonly destructiveMistake: boolean;
  readonly micros: number;
}

export function loadCorpus(file: string, split: Case['split']): Case[] {
  const cases: Case[] = [];
  let category = '';
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      if (line.startsWith('@')) {
        category = line.slice(1).trim();
        return;
      }
      const m = /^(?:\{(?<ctx>[^}]*)\}\s*)?(?<sentence>.*?)\s*=>\s*(?<expected>.+)$/.exec(line);
      if (!m || category === '')
        throw new Error(`${path.basename(file)}:${index + 1}: not "sentence => expectation" under an @ category: ${raw}`);
      const context = Object.fromEntries(
        (m.groups!.ctx ?? '')
          .split(/\s+/)
          .filter((p) => p !== '')
          .map((p) => p.split('=') as [string, string]),
      );
      cases.push({ split, category, line: index + 1, sentence: m.groups!.sentence!, expected: m.groups!.expected!.trim(), context });
    });
  return cases;
}

export function loadAll(): Case[] {
  return [
    ...CORPUS_FILES.heldOut.flatMap((file) => loadCorpus(file, 'held-out')),
    ...CORPUS_FILES.development.flatMap((file) => loadCorpus(file, 'development')),
  ];
}

const engine = new RuleBasedIntentEngine();
const byId = (ids: string) =>
  ids
    .split(',')
    .filter((id) => id !== '')
    .map((id) => FIXTURE.find((t) => t.id === id)!);

export function evaluate(c: Case): Verdict {
  const lastShown = c.context.shown ? byId(c.context.shown) : FIXTURE;
  const pendingCall = c.context.pending
    ? ({ kind: 'tool', name: `${c.context.pending}_task`, args: { task: { title: '?' } } } as TaskToolCall)
    : undefined;
  const context: ConversationContext = {
    lastShownTasks: lastShown,
    now: NOW,
    timeZone: TIME_ZONE,
    ...(c.context.it ? { lastTaskId: c.context.it } : {}),
    ...(pendingCall ? { pendingCall } : {}),
  };
  const started = performance.now();
  const interpretation = engine.interpret(c.sentence, context);
  const planned = plan(
    interpretation as Exclude<typeof interpretation, Promise<unknown>>,
    { tasks: FIXTURE, lastShown, now: NOW, timeZone: TIME_ZONE },
    'help',
  );
  const micros = (performance.now() - started) * 1000;
  const got = describe(planned);
  const expected = canonical(c.expected);
  const correct = got === expected || acceptable(planned, expected);
  return { ...c, got, correct, destructiveMistake: destructive(planned, expected), micros };
}

/** The planned effect, in the corpus's expectation syntax. */
export function describe(p: Plan): string {
  switch (p.kind) {
    case 'reply':
      return p.intent === 'chat'
        ? 'chat'
        : p.intent === 'help'
          ? 'help'
          : p.intent === 'clarify'
            ? 'ask'
            : p.intent === 'unknown'
              ? 'unknown'
              : 'nothing';
    case 'ask':
      return `ask ${ids(p.candidates)}`;
    case 'undo':
      return 'undo';
    case 'show':
      return p.args.count ? `count ${p.tasks.length}` : `show ${ids(p.tasks) || '-'}`;
    case 'change': {
      const parts: string[] = [];
      const grouped = new Map<string, Task[]>();
      for (const step of p.steps) {
        if (step.op === 'create') {
          const { title, dueAt, priority } = step.input;
          parts.push(
            `add "${title.toLowerCase()}"${dueAt ? ` due=${dueAt}` : ''}${priority && priority !== 'medium' ? ` pri=${priority}` : ''}`,
          );
        } else if (step.op === 'delete') grouped.set('delete', [...(grouped.get('delete') ?? []), step.task]);
        else if (step.patch.completed !== undefined) {
          const op = step.patch.completed ? 'complete' : 'reopen';
          grouped.set(op, [...(grouped.get(op) ?? []), step.task]);
        } else {
          const { title, dueAt, priority } = step.patch;
          parts.push(
            `update ${step.task.id}${title !== undefined ? ` title="${title.toLowerCase()}"` : ''}${dueAt !== undefined ? ` due=${dueAt ?? 'none'}` : ''}${priority ? ` pri=${priority}` : ''}`,
          );
        }
      }
      for (const [op, tasks] of grouped) parts.push(`${op} ${ids(tasks)}`);
      return parts.join(' + ');
    }
  }
}

const ids = (tasks: readonly Task[]) =>
  tasks
    .map((t) => t.id)
    .sort()
    .join(',');

/** An expectation with ids sorted, titles lower-cased and local dates as instants. */
export function canonical(expected: string): string {
  return expected
    .split(' + ')
    .map((part) => {
      const m = /^(complete|reopen|delete|ask|show) ([a-z,]+)$/.exec(part);
      if (m) return `${m[1]} ${m[2]!.split(',').sort().join(',')}`;
      if (part === 'clear') return `delete ${ids(FIXTURE.filter((t) => t.completed))}`;
      return part
        .replace(/"([^"]*)"/g, (_, title: string) => `"${title.toLowerCase()}"`)
        .replace(
          /due=(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}))?/g,
          (_, day: string, hh?: string, mm?: string) => `due=${localInstant(day, hh ? Number(hh) : 23, mm ? Number(mm) : 59)}`,
        );
    })
    .join(' + ');
}

function localInstant(day: string, hours: number, minutes: number): string {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, hours - PARIS_OFFSET_HOURS, minutes)).toISOString();
}

/** Asking is right when the expectation asks, or to confirm the one task meant before a change. */
function acceptable(p: Plan, expected: string): boolean {
  if (expected === 'ask') return p.kind === 'ask' || (p.kind === 'reply' && p.intent === 'clarify');
  const m = /^(?:complete|reopen|delete|update) ([a-z])\b/.exec(expected);
  return p.kind === 'ask' && p.confirm && m !== null && p.candidates.length === 1 && p.candidates[0]!.id === m[1];
}

function destructive(p: Plan, expected: string): boolean {
  if (p.kind !== 'change') return false;
  const meant = (op: string) => new RegExp(`(?:^|\\+ )${op} ([a-z,]+)`).exec(expected)?.[1]?.split(',') ?? [];
  return p.steps.some((step) => {
    if (step.op === 'create') return false;
    const op =
      step.op === 'delete' ? 'delete' : step.patch.completed === true ? 'complete' : step.patch.completed === false ? 'reopen' : undefined;
    return op !== undefined && !meant(op).includes(step.task.id);
  });
}

export interface Summary {
  readonly total: number;
  readonly correct: number;
  readonly destructiveMistakes: number;
  readonly byCategory: ReadonlyMap<string, { total: number; correct: number }>;
}

export function summarise(verdicts: readonly Verdict[]): Summary {
  const byCategory = new Map<string, { total: number; correct: number }>();
  for (const v of verdicts) {
    const row = byCategory.get(v.category) ?? { total: 0, correct: 0 };
    row.total++;
    if (v.correct) row.correct++;
    byCategory.set(v.category, row);
  }
  return {
    total: verdicts.length,
    correct: verdicts.filter((v) => v.correct).length,
    destructiveMistakes: verdicts.filter((v) => v.destructiveMistake).length,
    byCategory,
  };
}
