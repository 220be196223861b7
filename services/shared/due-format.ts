/**
 * The one way a due date is written, in the web app's list and in the assistant's replies alike:
 * "today", "tomorrow at 17:00", "Fri 28 Nov", "Sun 4 May 2031 at 09:30".
 *
 * Date-only dues: the API stores an instant, and a due given as a day without a time ("buy milk
 * friday") is stored as 23:59 local time on that day. So a due at 23:59 in the reader's time zone
 * is written as the day alone; any other time is written too. (No API change needed; the cost is
 * that a due really meant for 23:59 reads as "that day", which is what it means anyway.)
 */

import { FormatCache } from './format-cache.js';

export interface DueFormatOptions {
  /** The moment "today" is judged from. */
  readonly now: Date;
  /** IANA time zone the reader lives in (days and times are theirs). */
  readonly timeZone: string;
  /**
   * Locale of the weekday and month names; the surrounding words are English, as is the app.
   * @default 'en-GB'
   */
  readonly locale?: string;
}

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly time: string;
}

const DATE_ONLY_TIME = '23:59';
const DAY_MS = 86_400_000;

/** Bounded: the zone comes from the client (see FormatCache). */
const numericFormats = new FormatCache(
  (timeZone) =>
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }),
);
const nameFormats = new FormatCache(
  (timeZone, locale) => new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }),
);

/** How many Intl formats formatDue keeps, whatever zones it was asked for (at most 1,000 of each kind). */
export function cachedDueFormats(): number {
  return numericFormats.size + nameFormats.size;
}

function localParts(date: Date, timeZone: string): LocalParts {
  const parts = numericFormats.for(timeZone).formatToParts(date);
  const value = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(value('year')),
    month: Number(value('month')),
    day: Number(value('day')),
    time: `${value('hour')}:${value('minute')}`,
  };
}

/** Whole calendar days from `from` to `to` (both local dates), independent of DST. */
function daysBetween(from: LocalParts, to: LocalParts): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS);
}

const RELATIVE_DAYS: Readonly<Record<number, string>> = { [-1]: 'yesterday', 0: 'today', 1: 'tomorrow' };

/**
 * A due instant (ISO 8601) in words for a reader in `timeZone`: yesterday/today/tomorrow by name,
 * other days as "Fri 28 Nov", the year only when it is not the reader's current year, and the
 * time ("at 17:00", 24-hour) unless the due is date-only (23:59 local, see above).
 * Throws a RangeError naming the value when `dueAt` is not a date or `timeZone` is unknown.
 */
export function formatDue(dueAt: string, options: DueFormatOptions): string {
  const due = new Date(dueAt);
  if (Number.isNaN(due.getTime())) throw new RangeError(`formatDue: dueAt is not a date: ${JSON.stringify(dueAt)}`);
  const { now, timeZone, locale = 'en-GB' } = options;
  const local = localParts(due, timeZone);
  const today = localParts(now, timeZone);
  let day = RELATIVE_DAYS[daysBetween(today, local)];
  if (day === undefined) {
    const names = nameFormats.for(timeZone, locale).formatToParts(due);
    const name = (type: Intl.DateTimeFormatPartTypes) => names.find((p) => p.type === type)?.value ?? '';
    day = `${name('weekday')} ${name('day')} ${name('month')}${local.year === today.year ? '' : ` ${local.year}`}`;
  }
  return local.time === DATE_ONLY_TIME ? day : `${day} at ${local.time}`;
}
