import * as chrono from 'chrono-node';
import { FormatCache } from '../../../shared/format-cache.js';
import { AMOUNT_WORDS } from './lexicon.js';

const offsetFormats = new FormatCache((timeZone) => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }));

/** Minutes the zone is ahead of UTC at `at` (e.g. 60 for Europe/Paris in winter). */
export function timeZoneOffsetMinutes(timeZone: string, at: Date): number {
  const name = offsetFormats
    .for(timeZone)
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0; // "GMT" alone: UTC
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    offsetFormats.for(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface FoundDate {
  /** The instant meant; a day without a time means the end of that day (23:59 local). */
  readonly date: Date;
  /** Where the date phrase starts in the text, and the phrase itself. */
  readonly index: number;
  readonly text: string;
}

/**
 * chrono-node's casual English plus what people type that it misses: "eod" / "end of day",
 * "on the 15th", "end of the week" / "eow" ("tmrw", "this weekend" and "end of the month" it reads).
 */
const parser = chrono.casual.clone();
parser.parsers.push(
  {
    pattern: () => /\b(?:eod|end of (?:the )?day|cob|close of business|eob|end of business)\b/i,
    extract: (context) => {
      const day = context.reference.getDateWithAdjustedTimezone();
      return { day: day.getDate(), month: day.getMonth() + 1, year: day.getFullYear() };
    },
  },
  {
    pattern: () => /\b(?:eow|end of (?:the |this )?week)\b/i,
    extract: (context) => {
      const day = context.reference.getDateWithAdjustedTimezone();
      day.setDate(day.getDate() + ((5 - day.getDay() + 7) % 7)); // the coming Friday, today if Friday
      return { day: day.getDate(), month: day.getMonth() + 1, year: day.getFullYear() };
    },
  },
  {
    pattern: () => /\bthe (\d{1,2})(?:st|nd|rd|th)\b(?! of)/i,
    extract: (context, match) => {
      const dayOfMonth = Number(match[1]);
      if (dayOfMonth < 1 || dayOfMonth > 31) return null;
      const ref = context.reference.getDateWithAdjustedTimezone();
      const date = new Date(ref.getFullYear(), ref.getMonth(), dayOfMonth);
      if (dayOfMonth < ref.getDate()) date.setMonth(date.getMonth() + 1); // the next 15th
      return { day: date.getDate(), month: date.getMonth() + 1, year: date.getFullYear() };
    },
  },
);

/** Phrases chrono reads as dates that, alone, are usually words of a title ("movie night", "I may"). */
const NOT_A_DATE = /^(?:night|morning|evening|afternoon|may|march|sat|sun|wed|a week|a day|second|now|(?:the )?(?:week|day|month|year))$/i;

/** Finds the first date/time phrase in `text`, read in `timeZone` relative to `now`, future-leaning. */
export function findDate(text: string, now: Date, timeZone: string): FoundDate | undefined {
  const offset = timeZoneOffsetMinutes(timeZone, now);
  const result = parser
    .parse(text, { instant: now, timezone: offset }, { forwardDate: true })
    .find((r) => !NOT_A_DATE.test(r.text.trim()) || /\b(?:in|on|by|until|till|next|this|last)\s+$/i.test(text.slice(0, r.index)));
  if (!result) return undefined;
  let date = result.date();
  // chrono reads with today's offset; across a daylight-saving change the local time must stay what was said.
  const offsetThen = timeZoneOffsetMinutes(timeZone, date);
  if (offsetThen !== offset) date = new Date(date.getTime() + (offset - offsetThen) * 60_000);
  // "friday" means by the end of friday; "tomorrow morning" keeps the time chrono implies.
  const partOfDay = /\b(?:morning|afternoon|evening|night|tonight|noon|midday|midnight|lunch)/i.test(result.text);
  if (!result.start.isCertain('hour') && !partOfDay) date = endOfLocalDay(date, timeZoneOffsetMinutes(timeZone, date));
  return { date, index: result.index, text: result.text };
}

const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/**
 * A relative shift of a due date: "back two days" → +2 days, "by a week" → +7 days,
 * "forward 3 hours" → −3 hours; `forward` says which way the verb already moves ("bring forward").
 */
export function findShift(text: string, earlier = false): { readonly ms: number; readonly months: number } | undefined {
  const m =
    /\b(?:(back|forward|later|earlier|ahead|up|sooner)\s+)?(?:by\s+)?(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|(?:a )?couple(?: of)?|(?:a )?few)\s+(minute|hour|day|week|month)s?\b(?:\s+(later|earlier|back|forward|ahead))?/i.exec(
      text,
    );
  if (!m) return undefined;
  const amountWord = m[2]!.toLowerCase().replace(/ of$/, '');
  const amount = /^\d+$/.test(amountWord) ? Number(amountWord) : (AMOUNT_WORDS[amountWord] ?? 1);
  const direction = `${m[1] ?? ''} ${m[4] ?? ''}`.toLowerCase();
  const sign = earlier || /forward|earlier|ahead|up|sooner/.test(direction) ? -1 : 1;
  const unit = m[3]!.toLowerCase();
  return unit === 'month' ? { ms: 0, months: sign * amount } : { ms: sign * amount * UNIT_MS[unit]!, months: 0 };
}

/** `iso` moved by a shift; a month shift keeps the day of the month. */
export function shiftDate(iso: string, shift: { readonly ms: number; readonly months: number }): string {
  const date = new Date(new Date(iso).getTime() + shift.ms);
  if (shift.months !== 0) date.setUTCMonth(date.getUTCMonth() + shift.months);
  return date.toISOString();
}

/** True when a due instant means a whole day (23:59 local), not a time. */
export function isDateOnly(iso: string, timeZone: string): boolean {
  const at = new Date(iso);
  const local = new Date(at.getTime() + timeZoneOffsetMinutes(timeZone, at) * 60_000);
  return local.getUTCHours() === 23 && local.getUTCMinutes() === 59;
}

/** Start and end (exclusive) of the local calendar day containing `at`. */
export function localDayBounds(at: Date, timeZone: string): { start: Date; end: Date } {
  const offset = timeZoneOffsetMinutes(timeZone, at);
  const local = new Date(at.getTime() + offset * 60_000);
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offset * 60_000;
  return { start: new Date(start), end: new Date(start + 86_400_000) };
}

function endOfLocalDay(date: Date, offsetMinutes: number): Date {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 23, 59);
  return new Date(end - offsetMinutes * 60_000);
}
