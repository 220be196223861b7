/** Pure task-list logic: filters, search, ordering. */
import { compareTasks } from '../../shared/task-order.js';
import type { Task, TaskStatus } from './api.js';

export { compareTasks };

export type Filter = 'all' | 'pending' | 'done';

export const FILTERS: readonly { readonly value: Filter; readonly label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'done', label: 'Done' },
];

/** The API's `status` query value for a filter. */
export function filterToStatus(filter: Filter): TaskStatus {
  return filter === 'done' ? 'completed' : filter;
}

/** Whether a task belongs in the current view (used to apply a change before the refetch lands). */
export function matchesView(task: Task, filter: Filter, query: string): boolean {
  if (filter === 'pending' && task.completed) return false;
  if (filter === 'done' && !task.completed) return false;
  const q = query.trim().toLocaleLowerCase();
  if (q === '') return true;
  return task.title.toLocaleLowerCase().includes(q) || task.description.toLocaleLowerCase().includes(q);
}

/** Replaces (or drops, when it left the view) one task in a list, keeping the order rules. */
export function applyTaskChange(tasks: readonly Task[], changed: Task, filter: Filter, query: string): Task[] {
  const rest = tasks.filter((t) => t.id !== changed.id);
  return (matchesView(changed, filter, query) ? [...rest, changed] : rest).sort(compareTasks);
}

/** Counts for the summary line. */
export function summarize(tasks: readonly Task[]): { pending: number; done: number } {
  const done = tasks.filter((t) => t.completed).length;
  return { pending: tasks.length - done, done };
}
