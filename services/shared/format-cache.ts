/**
 * Intl.DateTimeFormat instances by locale and lower-cased time zone (IANA names are
 * case-insensitive): building one costs ~0.2 ms, reusing it ~6 µs, and a list or a "show my
 * tasks" reply needs one per due date. Zones come from clients (the chat gateway accepts a
 * `timeZone` in every message), so the cache is capped: when full it starts over, and a client
 * naming many zones can make us keep at most `max` formats. An unknown zone throws before
 * anything is kept.
 */
export class FormatCache {
  private readonly formats = new Map<string, Intl.DateTimeFormat>();

  constructor(
    private readonly make: (timeZone: string, locale: string) => Intl.DateTimeFormat,
    private readonly max = 1000,
  ) {}

  /** How many formats are kept (at most the cap). */
  get size(): number {
    return this.formats.size;
  }

  /** Throws a RangeError for a zone (or locale) the runtime does not know. */
  for(timeZone: string, locale = ''): Intl.DateTimeFormat {
    const key = `${locale.toLowerCase()}|${timeZone.toLowerCase()}`;
    let format = this.formats.get(key);
    if (!format) {
      format = this.make(timeZone, locale);
      if (this.formats.size >= this.max) this.formats.clear();
      this.formats.set(key, format);
    }
    return format;
  }
}
