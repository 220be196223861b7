import { expect } from 'chai';
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type Database } from '../src/db/database.js';
import { timestamptzToIso } from '../src/db/timestamps.js';
import { backends } from './helpers.js';

const parseAsDate = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

describe('timestamptzToIso', () => {
  it('rearranges a UTC timestamptz into ISO 8601, truncated to milliseconds', () => {
    expect(timestamptzToIso('2026-11-22 19:01:46.123999+00')).to.equal('2026-11-22T19:01:46.123Z');
    expect(timestamptzToIso('2026-11-22 19:01:46.5+00')).to.equal('2026-11-22T19:01:46.500Z');
    expect(timestamptzToIso('2026-11-22 19:01:46+00')).to.equal('2026-11-22T19:01:46.000Z');
    expect(timestamptzToIso('0001-01-01 00:00:00+00')).to.equal('0001-01-01T00:00:00.000Z');
  });

  it("converts other zones through pg's parser", () => {
    expect(timestamptzToIso('2026-11-22 20:31:46.25+01:30')).to.equal('2026-11-22T19:01:46.250Z');
    expect(timestamptzToIso('2026-11-22 14:01:46-05')).to.equal('2026-11-22T19:01:46.000Z');
  });

  it('passes ±infinity through instead of throwing inside the driver', () => {
    expect(timestamptzToIso('infinity')).to.equal('infinity');
    expect(timestamptzToIso('-infinity')).to.equal('-infinity');
  });

  it('gives what Date#toISOString gave for every UTC shape PostgreSQL prints (fast-check)', () => {
    const utcText = fc
      .record({
        date: fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        fraction: fc.stringMatching(/^(\d{1,6})?$/),
      })
      .map(
        ({ date, fraction }) =>
          `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`,
      );
    fc.assert(
      fc.property(utcText, (text) => {
        expect(timestamptzToIso(text)).to.equal(parseAsDate(text).toISOString());
      }),
      { numRuns: 2000 },
    );
  });
});

for (const backend of backends()) {
  describe(`timestamps read through the API's database layer on ${backend.name}`, function () {
    this.timeout(60_000);
    let database: Database;

    before(async () => {
      const store = await backend.create();
      database = await openDatabase({
        databaseUrl: store.databaseUrl,
        dataDir: store.dataDir!,
        poolMax: 2,
        preparedStatements: true,
        connectTimeoutMs: 5000,
        statementTimeoutMs: 5000,
        logger: pino({ level: 'silent' }),
      });
    });

    after(async () => {
      await database?.close();
      await backend.cleanup();
    });

    // PostgreSQL's own formatting is the reference: microseconds truncated, as toISOString truncates.
    const instants = fc
      .record({
        date: fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        microseconds: fc.integer({ min: 0, max: 999 }),
      })
      .map(({ date, microseconds }) => `${date.toISOString().slice(0, 23)}${String(microseconds).padStart(3, '0')}+00`);

    it("equal PostgreSQL's own ISO formatting in the API's UTC sessions (fast-check)", async () => {
      if (backend.name === 'postgres') {
        const {
          rows: [session],
        } = await sql<{ zone: string }>`select current_setting('TimeZone') as zone`.execute(database.db);
        expect(session!.zone).to.equal('UTC'); // set by the pool, whatever the server's default
      }
      await fc.assert(
        fc.asyncProperty(fc.array(instants, { minLength: 1, maxLength: 40 }), async (literals) => {
          const { rows } = await sql<{ at: string; reference: string }>`
          select t as at, to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as reference
          from unnest(${literals}::timestamptz[]) as t`.execute(database.db);
          expect(rows.map((row) => row.at)).to.deep.equal(rows.map((row) => row.reference));
        }),
        { numRuns: 25 },
      );
    });

    it('equal it in a session set to another time zone too', async () => {
      await database.db.connection().execute(async (connection) => {
        await sql`set time zone 'Asia/Kolkata'`.execute(connection);
        try {
          await fc.assert(
            fc.asyncProperty(fc.array(instants, { minLength: 1, maxLength: 40 }), async (literals) => {
              const { rows } = await sql<{ at: string; printed: string; reference: string }>`
              select t as at, t::text as printed, to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as reference
              from unnest(${literals}::timestamptz[]) as t`.execute(connection);
              expect(rows.some((row) => row.printed.endsWith('+00'))).to.equal(false);
              expect(rows.map((row) => row.at)).to.deep.equal(rows.map((row) => row.reference));
            }),
            { numRuns: 10 },
          );
        } finally {
          await sql`set time zone 'UTC'`.execute(connection);
        }
      });
    });
  });
}
