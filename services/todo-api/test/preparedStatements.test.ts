import { DATABASE_SERVER, requireOrSkip } from '../../../test/support/requirements.js';
import { expect } from 'chai';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { openDatabase } from '../src/db/database.js';
import { preparingPool, STATEMENT_NAME_PREFIX } from '../src/db/preparedStatements.js';
import { adminQuery, backends, call, registerUser, startOn, type Backend } from './helpers.js';

/** Named statements exist on a PostgreSQL server only (PGlite runs unnamed statements in-process). */
const server = backends().find((b) => b.name === 'postgres');

interface Scratch {
  items: { id: number; label: string };
}

describe('todo-api named prepared statements (PostgreSQL server)', function () {
  this.timeout(60_000);
  before(function () {
    requireOrSkip(this, server !== undefined, DATABASE_SERVER);
  });
  const backend = server as Backend;
  let databaseUrl: string;
  let pool: pg.Pool;
  let db: Kysely<Scratch>;

  before(async () => {
    databaseUrl = (await backend.create()).databaseUrl!;
  });
  after(() => backend?.cleanup());

  /** One connection, so pg_prepared_statements (per session) shows what the queries left there. */
  async function open(maxNamed?: number): Promise<void> {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    db = new Kysely<Scratch>({ dialect: new PostgresDialect({ pool: preparingPool(pool, maxNamed) }) });
    await sql`drop table if exists items`.execute(db);
    await sql`create table items (id int primary key, label text not null)`.execute(db);
    await db
      .insertInto('items')
      .values([
        { id: 1, label: 'one' },
        { id: 2, label: 'two' },
        { id: 3, label: 'three' },
      ])
      .execute();
  }
  afterEach(() => db?.destroy());

  const prepared = async () =>
    (
      await sql<{ name: string; statement: string }>`
    select name, statement from pg_prepared_statements order by name`.execute(db)
    ).rows;
  const byId = (id: number) => db.selectFrom('items').select(['id', 'label']).where('id', '=', id).executeTakeFirst();

  it('names a parameterized statement once per connection and answers as an unnamed query would', async () => {
    await open();
    expect(await byId(2)).to.deep.equal({ id: 2, label: 'two' });
    expect(await byId(3)).to.deep.equal({ id: 3, label: 'three' });
    const statements = await prepared();
    // The insert above and the select, each once, whatever the number of executions.
    expect(statements.map((s) => s.statement)).to.deep.equal([
      'insert into "items" ("id", "label") values ($1, $2), ($3, $4), ($5, $6)',
      'select "id", "label" from "items" where "id" = $1',
    ]);
    expect(statements.every((s) => s.name.startsWith(STATEMENT_NAME_PREFIX))).to.equal(true);
  });

  it('leaves statements without parameters (DDL, select 1) unnamed', async () => {
    await open();
    await sql`select 1`.execute(db);
    expect((await prepared()).map((s) => s.statement)).to.deep.equal([
      'insert into "items" ("id", "label") values ($1, $2), ($3, $4), ($5, $6)',
    ]);
  });

  it('runs statements past the cap unnamed, with the same answers', async () => {
    await open(1); // the insert in open() takes the only name
    expect(await byId(1)).to.deep.equal({ id: 1, label: 'one' });
    expect(await db.selectFrom('items').select('label').where('label', '=', 'two').executeTakeFirst()).to.deep.equal({ label: 'two' });
    expect(await prepared()).to.have.length(1);
  });

  it('recovers from a statement PostgreSQL refused to parse, once the table exists', async () => {
    await open();
    await sql`drop table items`.execute(db);
    let refused: Error | undefined;
    try {
      await byId(1);
    } catch (error) {
      refused = error as Error;
    }
    expect(refused?.message).to.equal('relation "items" does not exist');
    await sql`create table items (id int primary key, label text not null)`.execute(db);
    await db.insertInto('items').values({ id: 1, label: 'back' }).execute();
    // pg must not believe the failed statement was prepared ("prepared statement does not exist").
    expect(await byId(1)).to.deep.equal({ id: 1, label: 'back' });
  });

  it('keeps working after DDL on its table and on a new connection after the old one was killed', async () => {
    await open();
    expect(await byId(1)).to.deep.equal({ id: 1, label: 'one' });
    await sql`alter table items add column note text`.execute(db);
    expect(await byId(1)).to.deep.equal({ id: 1, label: 'one' }); // PostgreSQL re-plans it
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
    // pg-pool replaces a client its server terminated; the query must not rely on the old session.
    pool.on('error', () => {});
    await adminQuery('select pg_terminate_backend($1)', [pid]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await byId(3)).to.deep.equal({ id: 3, label: 'three' });
    expect((await prepared()).map((s) => s.statement)).to.deep.equal(['select "id", "label" from "items" where "id" = $1']);
  });

  for (const preparedStatements of [true, false]) {
    it(`openDatabase ${preparedStatements ? 'names' : 'does not name'} statements with preparedStatements: ${preparedStatements}`, async () => {
      const database = await openDatabase({
        databaseUrl,
        dataDir: 'memory://',
        poolMax: 1,
        preparedStatements,
        connectTimeoutMs: 5000,
        statementTimeoutMs: 5000,
        logger: pino({ level: 'silent' }),
      });
      try {
        const { rows } = await sql<{ n: number }>`select ${41}::int + 1 as n`.execute(database.db);
        expect(rows).to.deep.equal([{ n: 42 }]);
        const names = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(database.db);
        expect(names.rows).to.have.length(preparedStatements ? 1 : 0);
      } finally {
        await database.close();
      }
    });
  }

  it("serves the API's task routes with DB_PREPARED_STATEMENTS=false (for an old PgBouncer)", async () => {
    const api = await startOn(backend, { dbPreparedStatements: false });
    try {
      const { token } = await registerUser(api.url);
      for (const title of ['first', 'second']) {
        expect((await call(api.url, 'POST', '/api/tasks', { token, json: { title } })).status).to.equal(201);
      }
      const list = await call(api.url, 'GET', '/api/tasks?limit=1', { token });
      expect(list.body.items.map((t: { title: string }) => t.title)).to.deep.equal(['first']);
      const next = await call(api.url, 'GET', `/api/tasks?limit=1&cursor=${list.body.nextCursor}`, { token });
      expect(next.body.items.map((t: { title: string }) => t.title)).to.deep.equal(['second']);
    } finally {
      await api.close();
    }
  });
});
