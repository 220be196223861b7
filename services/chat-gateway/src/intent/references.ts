import type { ShownTask } from './engine.js';
import { contentLemmas, isTypoOf, primeLemmas } from './language.js';
import type { TaskReference, ToolName } from './tools.js';

export type Resolution<T extends ShownTask> =
  /** `guessed`: found only by a spelling guess; a destructive action asks before acting on it. */
  | { readonly kind: 'found'; readonly task: T; readonly guessed?: true }
  | { readonly kind: 'ambiguous'; readonly matches: readonly T[] }
  | { readonly kind: 'none'; readonly message: string };

/**
 * Finds the task a reference means. Numbers count in the list last shown (or, when nothing was
 * shown yet, in `allTasks`, which is in the order "show my tasks" uses). Titles are tried in
 * tiers, the first tier with a match wins: the exact title; the words in order; every word as a
 * word prefix in any order; the same lemmas ("I paid the rent" → "Pay rent", "the cat is fed" →
 * "Feed the cat"); every lemma of a (multi-word) task title named in the sentence; and last a
 * spelling guess ("by milk" → "Buy milk"), which is marked `guessed`. Among several matches the
 * ones the action makes sense for win (completing prefers open tasks, reopening done ones).
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
  const lemmas = contentLemmas(reference.title);
  const simple = new Map(allTasks.map((t) => [t, simplify(t.title)])); // once per task, not once per tier
  const title = (t: T) => simple.get(t)!;
  const tiers: readonly ((t: T) => boolean)[] = [
    (t) => title(t) === wanted,
    (t) => ` ${title(t)} `.includes(` ${wanted} `),
    (t) => {
      const titleWords = title(t).split(' ');
      return words.every((w) => titleWords.some((tw) => tw.startsWith(w)));
    },
    (t) => lemmas.length > 0 && lemmas.every((l) => contentLemmas(t.title).includes(l)),
    (t) => {
      const own = contentLemmas(t.title);
      return own.length >= 2 && own.every((l) => lemmas.includes(l));
    },
  ];
  for (const [index, tier] of tiers.entries()) {
    if (index === 3) primeLemmas(allTasks.map((t) => t.title)); // the lemma tiers: all titles in one go
    const matches = allTasks.filter(tier);
    if (matches.length > 0) return pick(matches, action, false);
  }
  // A mistyped article ("teh", "hte") carries no meaning either.
  const guessWords = (lemmas.length > 0 ? lemmas : words).filter(
    (w) => !(w.length <= 3 && ['the', 'my', 'and', 'for'].some((f) => isTypoOf(w, f))),
  );
  const guesses = allTasks.filter((t) => {
    const titleWords = [...title(t).split(' '), ...contentLemmas(t.title)];
    return guessWords.length > 0 && guessWords.every((w) => titleWords.some((tw) => tw === w || isTypoOf(w, tw)));
  });
  if (guesses.length > 0) return pick(guesses, action, true);
  return { kind: 'none', message: `I could not find a task matching “${reference.title}”.` };
}

function pick<T extends ShownTask>(matches: readonly T[], action: ToolName, guessed: boolean): Resolution<T> {
  const preferred = matches.filter((t) => (action === 'complete_task' ? !t.completed : action === 'reopen_task' ? t.completed : true));
  const candidates = preferred.length > 0 ? preferred : matches;
  if (candidates.length > 1) return { kind: 'ambiguous', matches: candidates };
  return guessed ? { kind: 'found', task: candidates[0]!, guessed: true } : { kind: 'found', task: candidates[0]! };
}

function simplify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
