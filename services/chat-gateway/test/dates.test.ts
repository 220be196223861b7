import { expect } from 'chai';
import { FormatCache } from '../../shared/format-cache.js';
import { findDate, findShift, isDateOnly, isValidTimeZone, localDayBounds, shiftDate, timeZoneOffsetMinutes } from '../src/intent/dates.js';
import { formatDueForReply } from '../src/intent/reply-format.js';

describe('time-zone helpers (cached Intl formats)', () => {
  const winter = new Date('2026-01-15T12:00:00Z');
  const summer = new Date('2026-07-15T12:00:00Z');

  it('gives each zone its offset at the instant asked, whatever the case of its name', () => {
    expect(timeZoneOffsetMinutes('Europe/Paris', winter)).to.equal(60);
    expect(timeZoneOffsetMinutes('europe/PARIS', summer)).to.equal(120);
    expect(timeZoneOffsetMinutes('Europe/Paris', summer)).to.equal(120);
    expect(timeZoneOffsetMinutes('America/New_York', winter)).to.equal(-300);
    expect(timeZoneOffsetMinutes('Asia/Kolkata', winter)).to.equal(330);
    expect(timeZoneOffsetMinutes('UTC', summer)).to.equal(0);
  });

  it('formats a due date in the zone asked, reusing nothing from another zone', () => {
    const due = '2026-11-27T16:00:00.000Z';
    const now = new Date('2026-11-18T10:00:00Z');
    expect(formatDueForReply(due, 'Europe/Paris', now)).to.equal('Fri 27 Nov at 17:00');
    expect(formatDueForReply(due, 'EUROPE/PARIS', now)).to.equal('Fri 27 Nov at 17:00');
    expect(formatDueForReply(due, 'Asia/Tokyo', now)).to.equal('Sat 28 Nov at 01:00');
    expect(formatDueForReply('2026-11-27T22:59:00.000Z', 'Europe/Paris', now)).to.equal('Fri 27 Nov');
  });

  it('bounds the local day in the zone', () => {
    const { start, end } = localDayBounds(new Date('2026-11-27T23:30:00Z'), 'Europe/Paris');
    expect(start.toISOString()).to.equal('2026-11-27T23:00:00.000Z');
    expect(end.toISOString()).to.equal('2026-11-28T23:00:00.000Z');
  });

  it('tells known zones from unknown ones, every time', () => {
    expect(isValidTimeZone('Not/A_Zone')).to.equal(false);
    expect(isValidTimeZone('Not/A_Zone')).to.equal(false);
    expect(isValidTimeZone('europe/paris')).to.equal(true);
  });

  it('builds a format once per zone and starts over when the cap is reached', () => {
    const built: string[] = [];
    const cache = new FormatCache((timeZone) => {
      built.push(timeZone);
      return new Intl.DateTimeFormat('en-US', { timeZone });
    }, 2);
    cache.for('Europe/Paris');
    cache.for('EUROPE/paris');
    cache.for('Asia/Tokyo');
    expect(built).to.deep.equal(['Europe/Paris', 'Asia/Tokyo']);
    cache.for('UTC'); // third zone: the cache is cleared first
    cache.for('Europe/Paris');
    expect(built).to.deep.equal(['Europe/Paris', 'Asia/Tokyo', 'UTC', 'Europe/Paris']);
    expect(() => cache.for('Not/A_Zone')).to.throw(RangeError);
  });
});

describe('findDate: what chrono-node misses, and what it should not read', () => {
  /** Wednesday 18 November 2026, 11:00 in Paris. */
  const now = new Date('2026-11-18T10:00:00Z');
  const endOfDay = (day: string) => `${day}T22:59:00.000Z`;
  const read = (text: string) => findDate(text, now, 'Europe/Paris');

  it('reads "eod", "end of the week", "on the 15th" as whole days', () => {
    expect(read('send invoice eod')).to.deep.include({ text: 'eod' });
    expect(read('send invoice eod')!.date.toISOString()).to.equal(endOfDay('2026-11-18'));
    expect(read('by end of day')!.date.toISOString()).to.equal(endOfDay('2026-11-18'));
    expect(read('by the end of the week')!.date.toISOString()).to.equal(endOfDay('2026-11-20'));
    expect(read('pay it on the 15th')!.date.toISOString()).to.equal(endOfDay('2026-12-15')); // the 15th has passed this month
    expect(read('on the 28th')!.date.toISOString()).to.equal(endOfDay('2026-11-28'));
  });

  it('reads what chrono already knows: tmrw, this weekend, end of the month', () => {
    expect(read('buy milk tmrw')!.date.toISOString()).to.equal(endOfDay('2026-11-19'));
    expect(read('this weekend')!.date.toISOString()).to.equal(endOfDay('2026-11-21'));
    expect(read('by the end of the month')!.date.toISOString()).to.equal(endOfDay('2026-11-30'));
  });

  it('leaves title words alone: "movie night", "I may", a bare "second"', () => {
    expect(read('rock and roll night')).to.equal(undefined);
    expect(read('I may call')).to.equal(undefined);
    expect(read('book club in may')!.date.toISOString()).to.equal('2027-05-01T21:59:00.000Z');
  });
});

describe('relative shifts of a due date', () => {
  it('reads the amount and the direction', () => {
    expect(findShift('back two days')).to.deep.equal({ ms: 2 * 86_400_000, months: 0 });
    expect(findShift('by a week')).to.deep.equal({ ms: 7 * 86_400_000, months: 0 });
    expect(findShift('forward 3 hours')).to.deep.equal({ ms: -3 * 3_600_000, months: 0 });
    expect(findShift('two days', true)).to.deep.equal({ ms: -2 * 86_400_000, months: 0 });
    expect(findShift('a month later')).to.deep.equal({ ms: 0, months: 1 });
    expect(findShift('to friday')).to.equal(undefined);
  });
  it('moves an instant, keeping a date-only due date-only', () => {
    const friday = '2026-11-20T22:59:00.000Z';
    expect(shiftDate(friday, { ms: 2 * 86_400_000, months: 0 })).to.equal('2026-11-22T22:59:00.000Z');
    expect(isDateOnly(shiftDate(friday, { ms: 2 * 86_400_000, months: 0 }), 'Europe/Paris')).to.equal(true);
    expect(isDateOnly('2026-11-20T16:00:00.000Z', 'Europe/Paris')).to.equal(false);
  });
});

describe("formatDueForReply: the web list's date format in replies", () => {
  const now = new Date('2026-11-18T10:00:00Z');
  it('shows no time for a date-only due and the year only when it is not this year', () => {
    expect(formatDueForReply('2026-11-27T22:59:00.000Z', 'Europe/Paris', now)).to.equal('Fri 27 Nov');
    expect(formatDueForReply('2026-11-27T16:00:00.000Z', 'Europe/Paris', now)).to.equal('Fri 27 Nov at 17:00');
    expect(formatDueForReply('2027-01-04T22:59:00.000Z', 'Europe/Paris', now)).to.equal('Mon 4 Jan 2027');
    expect(formatDueForReply('2027-01-04T08:30:00.000Z', 'Europe/Paris', now)).to.equal('Mon 4 Jan 2027 at 09:30');
  });
});
