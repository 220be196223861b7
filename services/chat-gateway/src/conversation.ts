import { formatDue, localDayBounds } from './intent/dates.js';
import type { ConversationContext, IntentEngine } from './intent/engine.js';
import { resolveTaskReference } from './intent/references.js';
import type { ListFilter, TaskToolCall, ToolCall, UpdateTaskArgs } from './intent/tools.js';
import { ApiRequestError, ApiUnavailableError, filterTasks, type Task, type TodoApiClient } from './todo-api-client.js';

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
  '• “delete 3”, “remove buy milk”, “clear completed”',
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
 * One chat conversation: remembers what it last showed (so "complete 2" means something), asks
 * the engine what a sentence means, and carries it out through the user's own API client.
 */
export class Conversation {
  private lastShown: readonly Task[] = [];
  private lastTaskId: string | undefined;
  private pendingCall: TaskToolCall | undefined;

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
    if (interpretation.kind === 'clarify') return { text: interpretation.question, intent: 'clarify', record: true };
    if (interpretation.kind === 'unknown') return { text: interpretation.reply, intent: 'unknown', record: true };
    try {
      return { ...(await this.run(interpretation, now, timeZone)), intent: interpretation.name, record: true };
    } catch (error) {
      if (error instanceof ApiUnavailableError) return { text: API_UNAVAILABLE_REPLY, intent: interpretation.name, record: false };
      if (error instanceof ApiRequestError && error.status === 401) return { text: SESSION_EXPIRED_REPLY, intent: interpretation.name, record: false };
      if (error instanceof ApiRequestError && error.status === 404) {
        return { text: 'That task no longer exists.', intent: interpretation.name, record: true };
      }
      if (error instanceof ApiRequestError) {
        return { text: `The todo service did not accept that: ${error.detail}`, intent: interpretation.name, record: true };
      }
      throw error;
    }
  }

  private async run(call: ToolCall, now: Date, timeZone: string): Promise<{ text: string; tasks?: readonly Task[] }> {
    switch (call.name) {
      case 'help':
        return { text: HELP_REPLY };
      case 'list_tasks':
        return this.list(call.args.filter, now, timeZone);
      case 'add_task': {
        const task = await this.api.createTask({ ...call.args });
        this.lastTaskId = task.id;
        return { text: `Added “${task.title}”${details(task, timeZone)}.`, tasks: [task] };
      }
      case 'clear_completed': {
        const done = await this.api.listTasks('completed');
        for (const task of done) await this.api.deleteTask(task.id);
        return {
          text: done.length === 0 ? 'There are no completed tasks to clear.' : `Cleared ${done.length} completed task${done.length === 1 ? '' : 's'}.`,
        };
      }
      default:
        return this.act(call, timeZone);
    }
  }

  private async list(filter: ListFilter, now: Date, timeZone: string): Promise<{ text: string; tasks: readonly Task[] }> {
    const status = filter === 'pending' || filter === 'completed' ? filter : 'all';
    const { start, end } = localDayBounds(now, timeZone);
    const tasks = filterTasks(await this.api.listTasks(status), filter, now, start, end);
    this.lastShown = tasks;
    const words = FILTER_WORDS[filter];
    if (tasks.length === 0) return { text: words.none, tasks };
    const lines = tasks.map((t, i) => `${i + 1}. ${t.completed ? '✓ ' : ''}${t.title}${details(t, timeZone)}`);
    return { text: `${words.some} (${tasks.length}):\n${lines.join('\n')}`, tasks };
  }

  private async act(call: TaskToolCall, timeZone: string): Promise<{ text: string; tasks?: readonly Task[] }> {
    const all = await this.api.listTasks('all');
    const resolution = resolveTaskReference(call.args.task, this.lastShown, all, call.name);
    if (resolution.kind === 'none') return { text: resolution.message };
    if (resolution.kind === 'ambiguous') {
      this.pendingCall = call;
      this.lastShown = resolution.matches;
      const lines = resolution.matches.map((t, i) => `${i + 1}. ${t.completed ? '✓ ' : ''}${t.title}`);
      return { text: `Which one do you mean?\n${lines.join('\n')}\nSay its number.`, tasks: resolution.matches };
    }
    const task = resolution.task;
    this.lastTaskId = task.id;
    switch (call.name) {
      case 'complete_task': {
        if (task.completed) return { text: `“${task.title}” is already done.`, tasks: [task] };
        return this.changed(await this.api.updateTask(task.id, { completed: true }), (t) => `Marked “${t.title}” as done.`);
      }
      case 'reopen_task': {
        if (!task.completed) return { text: `“${task.title}” is not done yet, so it is still open.`, tasks: [task] };
        return this.changed(await this.api.updateTask(task.id, { completed: false }), (t) => `Reopened “${t.title}”.`);
      }
      case 'delete_task':
        await this.api.deleteTask(task.id);
        this.lastTaskId = undefined;
        return { text: `Deleted “${task.title}”.` };
      case 'update_task': {
        const patch = updatePatch(call.args);
        return this.changed(await this.api.updateTask(task.id, patch), (t) => describeUpdate(task, t, call.args, timeZone));
      }
    }
  }

  /** Keeps the shown list's numbering while showing the updated task. */
  private changed(task: Task, describe: (t: Task) => string): { text: string; tasks: readonly Task[] } {
    this.lastShown = this.lastShown.map((t) => (t.id === task.id ? task : t));
    return { text: describe(task), tasks: [task] };
  }
}

function updatePatch(args: UpdateTaskArgs): { title?: string; dueAt?: string | null; priority?: Task['priority'] } {
  return {
    ...(args.title !== undefined ? { title: args.title } : {}),
    ...(args.dueAt !== undefined ? { dueAt: args.dueAt } : {}),
    ...(args.priority !== undefined ? { priority: args.priority } : {}),
  };
}

function describeUpdate(before: Task, after: Task, args: UpdateTaskArgs, timeZone: string): string {
  const parts: string[] = [];
  if (args.title !== undefined) parts.push(`Renamed “${before.title}” to “${after.title}”.`);
  if (args.dueAt === null) parts.push(`Removed the due date of “${after.title}”.`);
  else if (args.dueAt !== undefined) parts.push(`“${after.title}” is now due ${formatDue(after.dueAt!, timeZone)}.`);
  if (args.priority !== undefined) parts.push(`“${after.title}” is now ${after.priority} priority.`);
  return parts.join(' ');
}

/** ", due Fri 20 Nov, 17:00, high priority" — only what is worth saying. */
function details(task: Task, timeZone: string): string {
  const parts: string[] = [];
  if (task.dueAt) parts.push(`due ${formatDue(task.dueAt, timeZone)}`);
  if (task.priority !== 'medium') parts.push(`${task.priority} priority`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
