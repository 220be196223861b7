import { expect } from 'chai';
import { FormatCache, formatDue, isValidTimeZone, localDayBounds, timeZoneOffsetMinutes } from '../src/intent/dates.js';

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
    expect(formatDue(due, 'Europe/Paris')).to.equal('Fri 27 Nov, 17:00');
    expect(formatDue(due, 'EUROPE/PARIS')).to.equal('Fri 27 Nov, 17:00');
    expect(formatDue(due, 'Asia/Tokyo')).to.equal('Sat 28 Nov, 01:00');
    expect(formatDue('2026-11-27T22:59:00.000Z', 'Europe/Paris')).to.equal('Fri 27 Nov');
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
