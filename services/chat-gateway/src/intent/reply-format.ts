/**
 * The one function every reply uses to show a due date. Kept apart so it can be pointed at the
 * format the web list uses (services/shared/due-format.ts) without touching the replies.
 *
 * A date-only due is stored as 23:59 in the user's zone and shows no time; the year shows only
 * when it is not the current one: "Fri 27 Nov", "Fri 27 Nov, 17:00", "Mon 4 Jan 2027".
 */
import { formatDue, timeZoneOffsetMinutes } from './dates.js';

export function formatDueForReply(iso: string, timeZone: string, now: Date): string {
  const base = formatDue(iso, timeZone);
  const year = (at: Date) => new Date(at.getTime() + timeZoneOffsetMinutes(timeZone, at) * 60_000).getUTCFullYear();
  const dueYear = year(new Date(iso));
  if (dueYear === year(now)) return base;
  const [day, time] = base.split(', ');
  return time ? `${day} ${dueYear}, ${time}` : `${day} ${dueYear}`;
}
