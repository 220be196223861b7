import { compareTasks } from '../../shared/task-order.js';
import type { ConversationContext, IntentEngine, Interpretation } from './intent/engine.js';
import { askText, needsTasks, plan, type Plan, type Step, type TaskPatch } from './intent/plan.js';
import { formatDueForReply } from './intent/reply-format.js';
import type { ListFilter, ListTasksArgs, TaskToolCall } from './intent/tools.js';
import { ApiRequestError, ApiUnavailableError, type Task, type TodoApiClient } from './todo-api-client.js';

/** What one user sentence led to. */
export interface Outcome {
  readonly text: string;
  /** The tasks the reply is about, when it is about tasks. */
  readonly tasks?: readonly Task[];
  /** The tool used, or 'clarify' / 'unknown'; a metrics label, so a small fixed set. */
  readonly intent: string;
  /** False when the API could not be reached: there is no point in trying to record the exchange. */
  readonly record: boolean;
}

export const API_UNAVAILABLE_REPLY = "I can't reach your tasks right now. Please try again in a moment.";
export const SESSION_EXPIRED_REPLY = 'Your session has expired. Please sign in again.';

export const HELP_REPLY = [
  'I can look after your todo list. For example:',
  '• “add buy milk tomorrow at 5pm” or “remind me to call mom next friday, urgent”',
  '• “show my tasks”, “what is pending?”, “what is due today?”, “anything overdue?”, “show completed tasks”',
  '• “complete 2”, “mark the second one as done”, “I finished buy milk”',
  '• “reopen 2”, “rename 1 to buy oat milk”, “move 3 to next monday”, “make 2 urgent”',
  '• “delete 3”, “remove buy milk”, “clear completed”, “complete 1 and 3”, “mark all of them as done”',
  '• “undo” takes back my last change; “how many tasks are left?” counts',
  'Numbers refer to the last list I showed you; you can also use part of a task’s title.',
].join('\n');

const FILTER_WORDS: Readonly<Record<ListFilter, { some: string; none: string }>> = {
  all: { some: 'Here are your tasks', none: 'You have no tasks yet. Try “add buy milk”.' },
  pending: { some: 'Here is what is still open', none: 'Nothing is open — you are all done!' },
  completed: { some: 'Here is what you have done', none: 'You have not completed any tasks yet.' },
  due_today: { some: 'Here is what is due today', none: 'Nothing is due today.' },
  overdue: { some: 'These are overdue', none: 'Nothing is overdue.' },
};

/**
 * One chat conversation: remembers what it last showed (so "complete 2" means something) and its
 * last change (so "undo" can take it back), asks the engine what a sentence means, plans it
 * against the user's tasks (intent/plan.ts) and carries the plan out through the user's own API client.
 */
export class Conversation {
  private lastShown: readonly Task[] = [];
  private lastTaskId: string | undefined;
  private pendingCall: TaskToolCall | undefined;
  /** The inverse of the last change, and what it was, for "undo". */
  private lastChange: { readonly inverse: readonly Step[]; readonly what: string } | undefined;

  constructor(
    private readonly engine: IntentEngine,
    private readonly api: TodoApiClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(text: string, timeZone: string): Promise<Outcome> {
    const now = this.clock();
    const context: ConversationContext = {
      lastShownTasks: this.lastShown,
      now,
      timeZone,
      ...(this.lastTaskId ? { lastTaskId: this.lastTaskId } : {}),
      ...(this.pendingCall ? { pendingCall: this.pendingCall } : {}),
    };
    const interpretation = await this.engine.interpret(text, context);
    this.pendingCall = undefined;
    const intent = intentOf(interpretation);
    try {
      return { ...(await this.run(interpretation, now, timeZone)), intent, record: true };
    } catch (error) {
      if (error instanceof ApiUnavailableError) return { text: API_UNAVAILABLE_REPLY, intent, record: false };
      if (error instanceof ApiRequestError && error.status === 401) return { text: SESSION_EXPIRED_REPLY, intent, record: false };
      if (error instanceof ApiRequestError && error.status === 404) return { text: 'That task no longer exists.', intent, record: true };
      if (error instanceof ApiRequestError) return { text: `The todo service did not accept that: ${error.detail}`, intent, record: true };
      throw error;
    }
  }

  private async run(interpretation: Interpretation, now: Date, timeZone: string): Promise<{ text: string; tasks?: readonly Task[] }> {
    const tasks = needsTasks(interpretation) ? (await this.api.listTasks('all')).sort(compareTasks) : [];
    const planned = plan(interpretation, { tasks, lastShown: this.lastShown, now, timeZone }, HELP_REPLY);
    return this.carryOut(planned, now, timeZone);
  }

  private async carryOut(p: Plan, now: Date, timeZone: string): Promise<{ text: string; tasks?: readonly Task[] }> {
    switch (p.kind) {
      case 'reply':
        return { text: p.text, ...(p.tasks ? { tasks: p.tasks } : {}) };
      case 'ask':
        this.pendingCall = p.call;
        this.lastShown = p.candidates;
        return { text: askText(p), tasks: p.candidates };
      case 'show':
        return this.show(p.args, p.tasks, now, timeZone);
      case 'undo':
        return this.undo();
      case 'change':
        return this.change(p, now, timeZone);
    }
  }

  private show(args: ListTasksArgs, tasks: readonly Task[], now: Date, timeZone: string): { text: string; tasks: readonly Task[] } {
    const words = listWords(args);
    if (args.count) {
      const n = tasks.length;
      return { text: n === 0 ? words.none : `${words.count} ${n} task${n === 1 ? '' : 's'}.`, tasks };
    }
    this.lastShown = tasks;
    if (tasks.length === 0) return { text: words.none, tasks };
    const lines = tasks.map((t, i) => `${i + 1}. ${t.completed ? '✓ ' : ''}${t.title}${details(t, timeZone, now)}`);
    return { text: `${words.some} (${tasks.length}):\n${lines.join('\n')}`, tasks };
  }

  private async change(
    p: Extract<Plan, { kind: 'change' }>,
    now: Date,
    timeZone: string,
  ): Promise<{ text: string; tasks?: readonly Task[] }> {
    const inverse: Step[] = [];
    const said: string[] = [];
    const touched: Task[] = [];
    for (const step of p.steps) {
      const done = await this.apply(step);
      inverse.unshift(...done.inverse);
      said.push(describe(step, done.task, timeZone, now));
      if (done.task) touched.push(done.task);
    }
    if (p.intent === 'clear_completed') {
      said.splice(
        0,
        said.length,
        p.steps.length === 0
          ? 'There are no completed tasks to clear.'
          : `Cleared ${p.steps.length} completed task${p.steps.length === 1 ? '' : 's'}.`,
      );
    }
    if (inverse.length > 0) this.lastChange = { inverse, what: said.join(' ') };
    // "it" next time: the one task this change was about; nothing after deleting it.
    if (p.steps.length === 1) this.lastTaskId = p.steps[0]!.op === 'delete' ? undefined : touched[0]?.id;
    return { text: [...said, ...p.notes].join(' '), ...(touched.length > 0 ? { tasks: touched } : {}) };
  }

  /** Makes one change and returns the steps that take it back. */
  private async apply(step: Step): Promise<{ task?: Task; inverse: Step[] }> {
    switch (step.op) {
      case 'create': {
        const created = await this.api.createTask({ ...step.input });
        const task = step.completed ? await this.api.updateTask(created.id, { completed: true }) : created;
        return { task, inverse: [{ op: 'delete', task }] };
      }
      case 'update': {
        const task = await this.api.updateTask(step.task.id, step.patch);
        this.lastShown = this.lastShown.map((t) => (t.id === task.id ? task : t));
        return { task, inverse: [{ op: 'update', task, patch: previous(step.task, step.patch) }] };
      }
      case 'delete': {
        await this.api.deleteTask(step.task.id);
        const { title, dueAt, priority, completed } = step.task;
        return { inverse: [{ op: 'create', input: { title, ...(dueAt ? { dueAt } : {}), priority }, completed }] };
      }
    }
  }

  private async undo(): Promise<{ text: string; tasks?: readonly Task[] }> {
    const last = this.lastChange;
    if (!last) return { text: 'There is nothing to undo.' };
    this.lastChange = undefined;
    const restored: Task[] = [];
    for (const step of last.inverse) {
      const { task } = await this.apply(step);
      if (task) restored.push(task);
    }
    return { text: `Undone: ${last.what}`, ...(restored.length > 0 ? { tasks: restored } : {}) };
  }
}

function intentOf(interpretation: Interpretation): string {
  switch (interpretation.kind) {
    case 'tool':
    case 'each':
      return interpretation.name;
    case 'batch':
      return interpretation.calls[0]?.name ?? 'batch';
    default:
      return interpretation.kind;
  }
}

/** The fields a patch changes, as they were before it. */
function previous(task: Task, patch: TaskPatch): TaskPatch {
  return {
    ...(patch.title !== undefined ? { title: task.title } : {}),
    ...(patch.dueAt !== undefined ? { dueAt: task.dueAt } : {}),
    ...(patch.priority !== undefined ? { priority: task.priority } : {}),
    ...(patch.completed !== undefined ? { completed: task.completed } : {}),
  };
}

function describe(step: Step, after: Task | undefined, timeZone: string, now: Date): string {
  switch (step.op) {
    case 'create':
      return `Added “${after!.title}”${details(after!, timeZone, now)}.`;
    case 'delete':
      return `Deleted “${step.task.title}”.`;
    case 'update': {
      const { patch, task: before } = step;
      const parts: string[] = [];
      if (patch.completed === true) parts.push(`Marked “${after!.title}” as done.`);
      if (patch.completed === false) parts.push(`Reopened “${after!.title}”.`);
      if (patch.title !== undefined) parts.push(`Renamed “${before.title}” to “${after!.title}”.`);
      if (patch.dueAt === null) parts.push(`Removed the due date of “${after!.title}”.`);
      else if (patch.dueAt !== undefined) parts.push(`“${after!.title}” is now due ${formatDueForReply(after!.dueAt!, timeZone, now)}.`);
      if (patch.priority !== undefined) parts.push(`“${after!.title}” is now ${after!.priority} priority.`);
      return parts.join(' ');
    }
  }
}

/** The words of a list or count reply: "Here is what is still open (due tomorrow) (2):", "Still open: 7 tasks." */
function listWords(args: ListTasksArgs): { some: string; none: string; count: string } {
  const base = FILTER_WORDS[args.filter];
  const scope = [
    args.priority ? `${args.priority} priority` : '',
    args.dueBetween ? `due ${args.dueBetween.label}` : '',
    args.undated ? 'without a due date' : '',
  ]
    .filter((w) => w !== '')
    .join(', ');
  const count = { all: 'In total:', pending: 'Still open:', completed: 'Done:', due_today: 'Due today:', overdue: 'Overdue:' }[args.filter];
  if (!scope) return { ...base, count };
  return {
    some: `${base.some}, ${scope}`,
    none: `No task matches (${args.filter === 'completed' ? 'done' : 'open'}, ${scope}).`,
    count: `${count.slice(0, -1)}, ${scope}:`,
  };
}

/** ", due Fri 20 Nov, 17:00, high priority" — only what is worth saying. */
function details(task: Task, timeZone: string, now: Date): string {
  const parts: string[] = [];
  if (task.dueAt) parts.push(`due ${formatDueForReply(task.dueAt, timeZone, now)}`);
  if (task.priority !== 'medium') parts.push(`${task.priority} priority`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
