import { findDate, localDayBounds, timeZoneOffsetMinutes } from './dates.js';
import { LEXICON, alternation } from './lexicon.js';
import type { ListFilter, ListTasksArgs, Priority } from './tools.js';
import type { Task } from '../../../shared/todo-api-types.js';

const DAY_MS = 86_400_000;
const WORDS = {
  overdue: new RegExp(`\\b${alternation(LEXICON.overdueWords)}\\b`, 'i'),
  completed: new RegExp(`\\b${alternation(LEXICON.completedWords)}\\b`, 'i'),
  pending: new RegExp(`\\b${alternation(LEXICON.pendingWords)}\\b`, 'i'),
  notDone:
    /\b(?:not done|not finished|not completed|unfinished|incomplete|uncompleted|undone|to be done|left to do|still to do|to do|todo)\b/i,
  today: /\b(?:today(?:'?s)?|tonight|this evening|this afternoon)\b/i,
  high: /\b(?:high[- ]priority|urgent|important|top priority|high prio|priority)\b/i,
  low: /\b(?:low[- ]priority|not urgent|unimportant|not important|low prio)\b/i,
  undated:
    /\b(?:without|with no|no|has no|have no|don't have|dont have|doesn't have|doesnt have|lacking)\s+(?:a\s+|any\s+)?(?:due\s+)?(?:dates?|deadlines?)\b|\b(?:undated|unscheduled|not scheduled|no due)\b/i,
};

/** What a request to see (or count) tasks asks for: "what's due tomorrow", "high priority tasks", "done this week". */
export function listArgs(sentence: string, now: Date, timeZone: string): ListTasksArgs {
  const s = sentence.replace(/\b(?:to-?do|to do|task) list\b/gi, 'list'); // "my todo list" is the whole list
  const priority: Priority | undefined = WORDS.low.test(s) ? 'low' : WORDS.high.test(s) ? 'high' : undefined;
  const undated = WORDS.undated.test(s);
  const dueBetween = undated ? undefined : dueRange(s, now, timeZone);
  let filter: ListFilter;
  if (WORDS.overdue.test(s)) filter = 'overdue';
  else if (WORDS.notDone.test(s)) filter = WORDS.today.test(s) ? 'due_today' : 'pending';
  else if (WORDS.completed.test(s)) filter = 'completed';
  else if (WORDS.today.test(s)) filter = 'due_today';
  else if (WORDS.pending.test(s) || dueBetween || priority || undated) filter = 'pending';
  else filter = 'all';
  return {
    filter,
    ...(dueBetween && filter !== 'due_today' && filter !== 'overdue' ? { dueBetween } : {}),
    ...(priority ? { priority } : {}),
    ...(undated ? { undated } : {}),
  };
}

/** The local days a list request names besides today: tomorrow, this/next week, the weekend, a weekday or a date. */
function dueRange(s: string, now: Date, timeZone: string): ListTasksArgs['dueBetween'] {
  const today = localDayBounds(now, timeZone);
  const days = (from: Date, count: number, label: string) => ({
    from: from.toISOString(),
    to: localDayBounds(new Date(from.getTime() + (count - 1) * DAY_MS + DAY_MS / 2), timeZone).end.toISOString(),
    label,
  });
  const local = new Date(now.getTime() + timeZoneOffsetMinutes(timeZone, now) * 60_000);
  const mondayOffset = (local.getUTCDay() + 6) % 7; // days since Monday
  const thisMonday = localDayBounds(new Date(today.start.getTime() - mondayOffset * DAY_MS + DAY_MS / 2), timeZone).start;
  if (/\bnext week\b/i.test(s)) return days(localDayBounds(new Date(thisMonday.getTime() + 7.5 * DAY_MS), timeZone).start, 7, 'next week');
  if (/\b(?:this|the) week\b|\bweek\b/i.test(s)) return days(thisMonday, 7, 'this week');
  if (/\b(?:this |the )?weekend\b/i.test(s)) {
    const saturday = localDayBounds(new Date(thisMonday.getTime() + 5.5 * DAY_MS), timeZone).start;
    return days(saturday, 2, 'this weekend');
  }
  if (WORDS.today.test(s)) return undefined;
  // "what's due", "due soon", "coming up": anything with a due date in the next seven days, overdue included.
  if (/\b(?:due(?:\s+soon)?|coming up|upcoming)\s*\??$/i.test(s) && !findDate(s, now, timeZone)) {
    return { from: new Date(0).toISOString(), to: new Date(today.start.getTime() + 8 * DAY_MS).toISOString(), label: 'in the next 7 days' };
  }
  const found = findDate(s.replace(/\btomorrows\b/i, 'tomorrow'), now, timeZone);
  if (!found) return undefined;
  const day = localDayBounds(found.date, timeZone);
  // "due before friday" / "by friday": everything open up to that day, overdue included.
  const upTo = /\b(?:before|b4|by|until|till)\s+(?:the\s+)?$/i.exec(s.slice(0, found.index));
  if (upTo)
    return {
      from: new Date(0).toISOString(),
      to: (/before|b4/i.test(upTo[0]) ? day.start : day.end).toISOString(),
      label: `${upTo[0].trim()} ${found.text}`,
    };
  return { from: day.start.toISOString(), to: day.end.toISOString(), label: found.text.replace(/^(?:on|for|due)\s+/i, '') };
}

/** The tasks a list request shows, in the caller's order. */
export function selectTasks<T extends Pick<Task, 'completed' | 'dueAt' | 'priority'>>(
  tasks: readonly T[],
  args: ListTasksArgs,
  now: Date,
  timeZone: string,
): T[] {
  const { start, end } = localDayBounds(now, timeZone);
  const due = (t: T) => (t.dueAt === null ? undefined : Date.parse(t.dueAt));
  return tasks.filter((t) => {
    const at = due(t);
    switch (args.filter) {
      case 'pending':
        if (t.completed) return false;
        break;
      case 'completed':
        if (!t.completed) return false;
        break;
      case 'due_today':
        if (t.completed || at === undefined || at < start.getTime() || at >= end.getTime()) return false;
        break;
      case 'overdue':
        if (t.completed || at === undefined || at >= now.getTime()) return false;
        break;
      case 'all':
        break;
    }
    if (args.dueBetween && (at === undefined || at < Date.parse(args.dueBetween.from) || at >= Date.parse(args.dueBetween.to)))
      return false;
    if (args.priority && t.priority !== args.priority) return false;
    if (args.undated && at !== undefined) return false;
    return true;
  });
}
