/**
 * The one order in which tasks are shown and numbered, by the web app's list and by the chat
 * assistant alike: "complete 2" in the chat means the second task of the list the user sees.
 */
import type { Task } from './todo-api-types.js';

type Ordered = Pick<Task, 'completed' | 'dueAt' | 'createdAt'>;

/** Pending before done; then soonest due first (no due date last); then newest first. */
export function compareTasks(a: Ordered, b: Ordered): number {
  if (a.completed !== b.completed) return a.completed ? 1 : -1;
  const dueA = a.dueAt ? Date.parse(a.dueAt) : Number.POSITIVE_INFINITY;
  const dueB = b.dueAt ? Date.parse(b.dueAt) : Number.POSITIVE_INFINITY;
  if (dueA !== dueB) return dueA < dueB ? -1 : 1;
  return b.createdAt.localeCompare(a.createdAt);
}
