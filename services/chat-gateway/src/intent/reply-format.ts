/**
 * The one function every reply uses to show a due date: the web list's format
 * (services/shared/due-format.ts), so chat and list say the same thing — "today", "tomorrow at 17:00",
 * "Fri 27 Nov", "Sun 4 May 2031 at 09:30" (the year only when it is not this year). A date-only due
 * is stored as 23:59 in the user's zone and shows no time.
 */
import { formatDue } from '../../../shared/due-format.js';

export function formatDueForReply(iso: string, timeZone: string, now: Date): string {
  return formatDue(iso, { now, timeZone });
}
