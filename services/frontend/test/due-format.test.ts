import { expect } from 'chai';
import { cachedDueFormats, formatDue } from '../../shared/due-format.js';

/** formatDue for a reader in `timeZone` whose clock shows the instant `now`. */
function due(dueAt: string, now: string, timeZone: string, locale?: string): string {
  return formatDue(dueAt, { now: new Date(now), timeZone, ...(locale ? { locale } : {}) });
}

describe('shared due format (list and assistant)', () => {
  const NOW = '2026-11-22T12:00:00Z'; // Sunday 22 Nov, 13:00 in Paris

  it('names yesterday, today and tomorrow, with the time', () => {
    expect(due('2026-11-22T08:30:00Z', NOW, 'Europe/Paris')).to.equal('today at 09:30');
    expect(due('2026-11-23T16:00:00Z', NOW, 'Europe/Paris')).to.equal('tomorrow at 17:00');
    expect(due('2026-11-21T08:30:00Z', NOW, 'Europe/Paris')).to.equal('yesterday at 09:30');
    expect(due('2026-11-22T23:00:00Z', NOW, 'Europe/Paris')).to.equal('tomorrow at 00:00'); // midnight is 00:00, never 24:00
  });

  it('writes other days as weekday, day and month, without the year in the current year', () => {
    expect(due('2026-11-28T07:00:00Z', NOW, 'Europe/Paris')).to.equal('Sat 28 Nov at 08:00');
    expect(due('2026-01-02T07:00:00Z', NOW, 'Europe/Paris')).to.equal('Fri 2 Jan at 08:00');
    expect(due('2031-05-04T07:30:00Z', NOW, 'Europe/Paris')).to.equal('Sun 4 May 2031 at 09:30');
  });

  it('shows no time for a date-only due (23:59 in the reader’s zone)', () => {
    expect(due('2026-11-23T22:59:00Z', NOW, 'Europe/Paris')).to.equal('tomorrow');
    expect(due('2026-11-22T22:59:00Z', NOW, 'Europe/Paris')).to.equal('today');
    expect(due('2026-11-27T22:59:00Z', NOW, 'Europe/Paris')).to.equal('Fri 27 Nov');
    expect(due('2027-01-08T22:59:00Z', NOW, 'Europe/Paris')).to.equal('Fri 8 Jan 2027');
    // The same instant is 17:59 in New York: a time, not a date-only due.
    expect(due('2026-11-27T22:59:00Z', NOW, 'America/New_York')).to.equal('Fri 27 Nov at 17:59');
    expect(due('2026-11-27T23:58:00Z', NOW, 'Europe/Paris')).to.equal('Sat 28 Nov at 00:58');
  });

  it('judges today and the year in the reader’s zone across a year boundary', () => {
    const newYear = '2026-12-31T23:30:00Z'; // 00:30 on 1 Jan 2027 in Paris, 18:30 on 31 Dec 2026 in New York
    expect(due('2027-01-01T10:00:00Z', newYear, 'Europe/Paris')).to.equal('today at 11:00');
    expect(due('2027-01-01T10:00:00Z', newYear, 'America/New_York')).to.equal('tomorrow at 05:00');
    expect(due('2026-12-31T22:59:00Z', newYear, 'Europe/Paris')).to.equal('yesterday');
    expect(due('2026-12-30T10:00:00Z', newYear, 'Europe/Paris')).to.equal('Wed 30 Dec 2026 at 11:00'); // last year for Paris
    expect(due('2026-12-29T10:00:00Z', newYear, 'America/New_York')).to.equal('Tue 29 Dec at 05:00'); // still this year in New York
    expect(due('2027-01-05T10:00:00Z', newYear, 'America/New_York')).to.equal('Tue 5 Jan 2027 at 05:00');
  });

  it('counts calendar days, not 24-hour spans, across a daylight-saving change and the date line', () => {
    // Paris springs forward on 29 Mar 2026: 23:59 that day is 21:59 UTC.
    expect(due('2026-03-29T21:59:00Z', '2026-03-28T12:00:00Z', 'Europe/Paris')).to.equal('tomorrow');
    // 09:00 UTC is 23:00 on the 22nd at UTC+14 and 22:00 on the 21st at UTC-11; 90 minutes later:
    expect(due('2026-11-22T10:30:00Z', '2026-11-22T09:00:00Z', 'Pacific/Kiritimati')).to.equal('tomorrow at 00:30');
    expect(due('2026-11-22T10:30:00Z', '2026-11-22T09:00:00Z', 'Pacific/Pago_Pago')).to.equal('today at 23:30');
  });

  it('takes weekday and month names from the locale', () => {
    expect(due('2026-11-28T07:00:00Z', NOW, 'Europe/Paris', 'fr-FR')).to.match(/^sam\.? 28 nov\.? at 08:00$/);
  });

  it('names a bad value instead of printing "Invalid Date"', () => {
    expect(() => due('next week', NOW, 'Europe/Paris')).to.throw(RangeError, 'dueAt is not a date: "next week"');
    expect(() => due('2026-11-28T07:00:00Z', NOW, 'Mars/Olympus')).to.throw(RangeError);
  });

  describe('its Intl formats, cached by a zone the client names', () => {
    const FAR = '2031-05-04T07:30:00Z'; // a named day: both kinds of format are used
    /** "Europe/Paris" → "eUrOpE/pArIs"-like spellings, all the same zone to Intl. */
    const spelling = (zone: string, seed: number) =>
      [...zone].map((ch, i) => ((i * 7 + seed) % 3 === 0 ? ch.toUpperCase() : ch.toLowerCase())).join('');

    it('keeps one format per zone however its name is cased, and writes the same text', () => {
      const zones = Intl.supportedValuesOf('timeZone');
      const before = cachedDueFormats();
      for (const zone of zones) {
        const expected = due(FAR, NOW, zone);
        for (const seed of [1, 2, 4]) expect(due(FAR, NOW, spelling(zone, seed)), spelling(zone, seed)).to.equal(expected);
      }
      // At most one numeric and one name format per zone, not one per spelling (4 spellings each here).
      expect(cachedDueFormats() - before).to.be.at.most(2 * zones.length);
    });

    it('keeps at most 1,000 formats of each kind, whatever it is asked for', () => {
      for (let i = 0; i < 1500; i++) due(FAR, NOW, 'Europe/Paris', `en-GB-x-t${i}`);
      expect(cachedDueFormats()).to.be.at.most(2000);
      expect(due(FAR, NOW, 'Europe/Paris', 'en-GB-x-t1499')).to.equal('Sun 4 May 2031 at 09:30');
    });

    it('keeps nothing for a zone Intl does not know, and names it', () => {
      const before = cachedDueFormats();
      expect(() => due(FAR, NOW, 'Mars/Olympus_Mons')).to.throw(RangeError, /Mars\/Olympus_Mons/);
      expect(cachedDueFormats()).to.equal(before);
    });
  });
});
