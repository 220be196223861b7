/**
 * From an interpretation to the exact changes to make, decided against the user's tasks: which
 * tasks a reference means, whether to ask first, what a relative shift moves a due date to. Pure,
 * so the corpus tests (test/corpus.test.ts) check what would happen to the tasks without a server;
 * the conversation carries the plan out through the API.
 */
import type { Interpretation } from './engine.js';
import { shiftDate } from './dates.js';
import { selectTasks } from './list-filters.js';
import { resolveTaskReference } from './references.js';
import type { AddTaskArgs, ListTasksArgs, TaskReference, TaskToolCall, ToolCall } from './tools.js';
import type { Task } from '../../../shared/todo-api-types.js';

export type TaskPatch = {
  readonly title?: string;
  readonly dueAt?: string | null;
  readonly priority?: Task['priority'];
  readonly completed?: boolean;
};

export type Step =
  /** `completed`: re-create a done task (undoing a delete). */
  | { readonly op: 'create'; readonly input: AddTaskArgs; readonly completed?: boolean }
  | { readonly op: 'update'; readonly task: Task; readonly patch: TaskPatch }
  | { readonly op: 'delete'; readonly task: Task };

export type Plan =
  /** Nothing to change: help, small talk, a question, or why nothing can be done. */
  | { readonly kind: 'reply'; readonly text: string; readonly intent: string; readonly tasks?: readonly Task[] }
  /** Not sure which task: ask, keeping `call` to finish once the user answers from `candidates`. */
  | { readonly kind: 'ask'; readonly call: TaskToolCall; readonly candidates: readonly Task[]; readonly confirm: boolean }
  | { readonly kind: 'show'; readonly args: ListTasksArgs; readonly tasks: readonly Task[] }
  | { readonly kind: 'change'; readonly intent: string; readonly steps: readonly Step[]; readonly notes: readonly string[] }
  | { readonly kind: 'undo' };

export interface PlanContext {
  /** All the user's tasks, sorted with compareTasks (the order of "show my tasks"). */
  readonly tasks: readonly Task[];
  readonly lastShown: readonly Task[];
  readonly now: Date;
  readonly timeZone: string;
}

/** Whether planning needs the user's tasks (an add, small talk or help does not). */
export function needsTasks(interpretation: Interpretation): boolean {
  if (interpretation.kind === 'batch') return interpretation.calls.some((c) => needsTasks(c));
  if (interpretation.kind === 'each') return true;
  return interpretation.kind === 'tool' && interpretation.name !== 'add_task' && interpretation.name !== 'help';
}

export function plan(interpretation: Interpretation, context: PlanContext, helpText: string): Plan {
  const planned = planAny(interpretation, context, helpText);
  // Nothing to change ("it is already done"): say why.
  if (planned.kind === 'change' && planned.steps.length === 0 && planned.intent !== 'clear_completed') {
    return { kind: 'reply', text: planned.notes.join(' ') || 'There was nothing to change.', intent: planned.intent };
  }
  return planned;
}

function planAny(interpretation: Interpretation, context: PlanContext, helpText: string): Plan {
  switch (interpretation.kind) {
    case 'clarify':
      return { kind: 'reply', text: interpretation.question, intent: 'clarify' };
    case 'unknown':
      return { kind: 'reply', text: interpretation.reply, intent: 'unknown' };
    case 'chat':
      return { kind: 'reply', text: interpretation.reply, intent: 'chat' };
    case 'undo':
      return { kind: 'undo' };
    case 'batch':
      return planBatch(interpretation.calls, context, helpText);
    case 'each': {
      const { name, matching, changes } = interpretation;
      const tasks = selectTasks(context.tasks, matching, context.now, context.timeZone);
      if (tasks.length === 0) return { kind: 'reply', text: 'No task matches that.', intent: name };
      return planBatch(
        tasks.map((t) => ({ kind: 'tool', name, args: { ...changes, task: { id: t.id } } }) as ToolCall),
        context,
        helpText,
      );
    }
    case 'tool':
      return planCall(interpretation, context, helpText);
  }
}

function planCall(call: ToolCall, context: PlanContext, helpText: string): Plan {
  switch (call.name) {
    case 'help':
      return { kind: 'reply', text: helpText, intent: 'help' };
    case 'add_task':
      return { kind: 'change', intent: 'add_task', steps: [{ op: 'create', input: call.args }], notes: [] };
    case 'list_tasks':
      return { kind: 'show', args: call.args, tasks: selectTasks(context.tasks, call.args, context.now, context.timeZone) };
    case 'clear_completed':
      return {
        kind: 'change',
        intent: 'clear_completed',
        steps: context.tasks.filter((t) => t.completed).map((task) => ({ op: 'delete', task })),
        notes: [],
      };
    default:
      return planTaskCall(call, context);
  }
}

function planBatch(calls: readonly ToolCall[], context: PlanContext, helpText: string): Plan {
  const plans = calls.map((c) => planCall(c, context, helpText));
  const blocked = plans.find((p) => p.kind !== 'change');
  if (blocked?.kind === 'ask') {
    return {
      kind: 'reply',
      intent: 'clarify',
      text: `I am not sure which tasks you mean, so I changed nothing. ${askText(blocked)} Or name them one at a time.`,
      tasks: blocked.candidates,
    };
  }
  if (blocked) return blocked;
  const changes = plans as Extract<Plan, { kind: 'change' }>[];
  return { kind: 'change', intent: changes[0]!.intent, steps: changes.flatMap((p) => p.steps), notes: changes.flatMap((p) => p.notes) };
}

/** Resolves the reference, then turns the call into steps; asks when unsure and the action would change the task. */
function planTaskCall(call: TaskToolCall, context: PlanContext): Plan {
  const found = resolve(call, context);
  if ('plan' in found) return found.plan;
  const steps: Step[] = [];
  const notes: string[] = [];
  for (const task of found.tasks) {
    const step = stepFor(call, task);
    if (typeof step === 'string') notes.push(step);
    else steps.push(step);
  }
  return { kind: 'change', intent: call.name, steps, notes };
}

function resolve(call: TaskToolCall, context: PlanContext): { tasks: readonly Task[] } | { plan: Plan } {
  const reference = call.args.task;
  const single = resolveOne(call, reference, context);
  if (!('none' in single)) return single;
  // "complete the milk and the rent": when the whole phrase names nothing, each part may.
  if ('title' in reference && /\s(?:and|&)\s|,/.test(reference.title)) {
    const parts = reference.title
      .split(/\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+/i)
      .map((p) => p.replace(/^(?:the|my)\s+/i, ''))
      .filter((p) => p !== '');
    const resolved = parts.map((title) =>
      resolveOne({ ...call, args: { ...call.args, task: { title } } } as TaskToolCall, { title }, context),
    );
    const failed = resolved.find((r) => !('tasks' in r));
    if (!failed) return { tasks: resolved.flatMap((r) => ('tasks' in r ? r.tasks : [])) };
  }
  return { plan: single.none };
}

function resolveOne(
  call: TaskToolCall,
  reference: TaskReference,
  context: PlanContext,
): { tasks: readonly Task[] } | { plan: Plan } | { none: Plan } {
  const resolution = resolveTaskReference(reference, context.lastShown, context.tasks, call.name);
  if (resolution.kind === 'none') return { none: { kind: 'reply', text: resolution.message, intent: call.name } };
  if (resolution.kind === 'ambiguous') return { plan: { kind: 'ask', call, candidates: resolution.matches, confirm: false } };
  if (resolution.guessed) return { plan: { kind: 'ask', call, candidates: [resolution.task], confirm: true } };
  return { tasks: [resolution.task] };
}

/** The step a call makes on one task, or why none is needed. */
function stepFor(call: TaskToolCall, task: Task): Step | string {
  switch (call.name) {
    case 'complete_task':
      return task.completed ? `“${task.title}” is already done.` : { op: 'update', task, patch: { completed: true } };
    case 'reopen_task':
      return task.completed ? { op: 'update', task, patch: { completed: false } } : `“${task.title}” is not done yet, so it is still open.`;
    case 'delete_task':
      return { op: 'delete', task };
    case 'update_task': {
      const { shiftDueBy, title, dueAt, priority } = call.args;
      let due = dueAt;
      if (shiftDueBy) {
        if (!task.dueAt) return `“${task.title}” has no due date to move — say a date, like “move it to friday”.`;
        due = shiftDate(task.dueAt, shiftDueBy);
      }
      const patch: TaskPatch = {
        ...(title !== undefined ? { title } : {}),
        ...(due !== undefined ? { dueAt: due } : {}),
        ...(priority !== undefined ? { priority } : {}),
      };
      return Object.keys(patch).length === 0 ? 'There was nothing to change.' : { op: 'update', task, patch };
    }
  }
}

/** The question to ask for an 'ask' plan. */
export function askText(p: Extract<Plan, { kind: 'ask' }>): string {
  if (p.confirm) return `Did you mean “${p.candidates[0]!.title}”? Say yes or no.`;
  const lines = p.candidates.map((t, i) => `${i + 1}. ${t.completed ? '✓ ' : ''}${t.title}`);
  return `Which one do you mean?\n${lines.join('\n')}\nSay its number.`;
}
