import type { ShownTask } from './engine.js';
import type { TaskReference, ToolName } from './tools.js';

export type Resolution<T extends ShownTask> =
  | { readonly kind: 'found'; readonly task: T }
  | { readonly kind: 'ambiguous'; readonly matches: readonly T[] }
  | { readonly kind: 'none'; readonly message: string };

/**
 * Finds the task a reference means. Numbers count in the list last shown (or, when nothing was
 * shown yet, in `allTasks`, which is in the order "show my tasks" uses); titles match exactly, then
 * as a substring, then word by word. Among several title matches, the ones the action makes sense
 * for win (completing prefers open tasks, reopening prefers done ones).
 */
export function resolveTaskReference<T extends ShownTask>(
  reference: TaskReference,
  lastShown: readonly T[],
  allTasks: readonly T[],
  action: ToolName,
): Resolution<T> {
  if ('id' in reference) {
    const task = allTasks.find((t) => t.id === reference.id);
    return task ? { kind: 'found', task } : { kind: 'none', message: 'That task no longer exists.' };
  }
  if ('position' in reference) {
    const list = lastShown.length > 0 ? lastShown : allTasks;
    const index = reference.position > 0 ? reference.position - 1 : list.length + reference.position;
    const shown = list[index];
    if (!shown) {
      return {
        kind: 'none',
        message:
          list.length === 0
            ? 'You have no tasks yet.'
            : `There is no task number ${reference.position} — the list has ${list.length} task${list.length === 1 ? '' : 's'}.`,
      };
    }
    const current = allTasks.find((t) => t.id === shown.id);
    return current ? { kind: 'found', task: current } : { kind: 'none', message: `“${shown.title}” no longer exists.` };
  }
  const wanted = simplify(reference.title);
  const words = wanted.split(' ').filter((w) => w.length > 0);
  const tiers = [
    allTasks.filter((t) => simplify(t.title) === wanted),
    allTasks.filter((t) => simplify(t.title).includes(wanted)),
    allTasks.filter((t) => {
      const titleWords = simplify(t.title).split(' ');
      return words.every((w) => titleWords.some((tw) => tw.startsWith(w)));
    }),
  ];
  const matches = tiers.find((tier) => tier.length > 0) ?? [];
  if (matches.length === 0) return { kind: 'none', message: `I could not find a task matching “${reference.title}”.` };
  const preferred = matches.filter((t) => (action === 'complete_task' ? !t.completed : action === 'reopen_task' ? t.completed : true));
  const candidates = preferred.length > 0 ? preferred : matches;
  return candidates.length === 1 ? { kind: 'found', task: candidates[0]! } : { kind: 'ambiguous', matches: candidates };
}

function simplify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
