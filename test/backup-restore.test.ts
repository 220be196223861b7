/**
 * The dev backup is known to restore: the backup CronJob's own script (PG_DUMP_SCRIPT, run with bash
 * as the job runs it) dumps a todo database made by the todo-api's migrations and filled with real
 * data; pg_restore loads the dump into a fresh database exactly as the runbook does; then every table
 * is compared row by row, and every sequence by value. Needs the PostgreSQL server (DATABASE_URL) and
 * its client tools (pg_dump, pg_restore).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PG_DUMP_SCRIPT } from '@todo-platform/hardened-constructs';
import { migrateToLatest } from '../services/todo-api/src/db/migrations.js';
import { DATABASE_SERVER, requireOrSkip, type Requirement } from './support/requirements.js';

const CLIENT_TOOLS: Requirement = {
  needs: 'pg_dump and pg_restore',
  howTo: 'apt-get install postgresql-client',
  requiredBy: 'REQUIRE_DATABASE',
};

const SERVER_URL = process.env['DATABASE_URL'] || undefined;
const urlOf = (database: string): string => {
  const url = new URL(SERVER_URL!);
  url.pathname = `/${database}`;
  return url.toString();
};

async function query<T extends pg.QueryResultRow>(database: string | undefined, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database ? urlOf(database) : SERVER_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Users, tasks with unicode titles, due dates, priorities and tags, and chat history, with a deleted task (a sequence gap). */
async function fillWithTodoData(database: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlOf(database) });
  await client.connect();
  try {
    const users = (
      await client.query<{ id: string }>(
        `insert into users (email, password_hash) values
           ('ada@example.com', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'),
           ('grace@example.com', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI'),
           ('linus@example.com', 'x') returning id`,
      )
    ).rows.map((row) => row.id);
    const tasks: Array<[string, string, string, boolean, string | null, string, string[]]> = [
      [users[0]!, 'Buy milk 🥛 and 牛乳', '', false, '2026-12-08T09:00:00Z', 'high', ['groceries', 'home']],
      [
        users[0]!,
        'Réviser l’examen — ölçü, ß, ﬁ',
        'line 1\nline 2\t"quoted" \\ backslash',
        true,
        '2026-12-31T23:59:59.123456+05:30',
        'medium',
        [],
      ],
      [users[0]!, 'שלום עולם (RTL) مرحبا', "it's", false, null, 'low', ['ünïcödé', 'with,comma', 'with "quote"', '']],
      [users[1]!, 'Deploy 🚀 on Friday?', 'no', false, '2027-01-01T00:00:00Z', 'high', ['work']],
      [users[1]!, 'deleted soon', '', false, null, 'medium', []],
      [users[1]!, 'e\u0301 combining, zero\u200bwidth', '', false, '1999-12-31T23:59:59Z', 'low', ['a', 'a']],
    ];
    for (const [userId, title, description, completed, dueAt, priority, tags] of tasks) {
      await client.query(
        'insert into tasks (user_id, title, description, completed, due_at, priority, tags) values ($1, $2, $3, $4, $5, $6, $7)',
        [userId, title, description, completed, dueAt, priority, tags],
      );
    }
    await client.query("delete from tasks where title = 'deleted soon'");
    for (const [userId, role, text] of [
      [users[0]!, 'user', 'add buy milk tomorrow 9am'],
      [users[0]!, 'assistant', 'Added “Buy milk 🥛” for tomorrow 09:00.'],
      [users[1]!, 'user', '日本語で話せますか？'],
      [users[1]!, 'assistant', 'はい！'],
    ]) {
      await client.query('insert into chat_messages (user_id, role, text) values ($1, $2, $3)', [userId, role, text]);
    }
  } finally {
    await client.end();
  }
}

/** Every table of the public schema with its rows as JSON text, sorted: equal maps mean equal contents. */
async function tableContents(database: string): Promise<Record<string, string[]>> {
  const tables = await query<{ name: string }>(database, "select tablename as name from pg_tables where schemaname = 'public' order by 1");
  const contents: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await query<{ row: string }>(database, `select row_to_json(t)::text as row from public."${name}" t order by 1`);
    contents[name] = rows.map((r) => r.row);
  }
  return contents;
}

const sequences = (database: string) =>
  query<{ sequencename: string; last_value: string | null }>(
    database,
    "select sequencename, last_value from pg_sequences where schemaname = 'public' order by 1",
  );

describe('dev backup: the pg_dump CronJob script restores todo data exactly', function () {
  this.timeout(60_000);
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const source = `backup_rt_${suffix}`;
  const restored = `backup_rt_${suffix}_restored`;
  let work: string | undefined;
  let dump = '';
  let created = false;

  before(async function () {
    requireOrSkip(this, SERVER_URL !== undefined, DATABASE_SERVER);
    const tools = ['pg_dump', 'pg_restore'].every((tool) => spawnSync(tool, ['--version']).status === 0);
    requireOrSkip(this, tools, CLIENT_TOOLS);

    await query(undefined, `create database ${source}`);
    await query(undefined, `create database ${restored}`);
    created = true;
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: urlOf(source), max: 1 }) }) });
    try {
      expect(await migrateToLatest(db)).to.include('0001_initial');
    } finally {
      await db.destroy();
    }
    await fillWithTodoData(source);

    // The job's environment: libpq variables, the mounted password file, the claim, a private /tmp.
    work = mkdtempSync(join(tmpdir(), 'backup-restore-'));
    const backups = join(work, 'backups');
    const scratch = join(work, 'tmp');
    mkdirSync(backups);
    mkdirSync(scratch);
    writeFileSync(join(work, 'password'), decodeURIComponent(new URL(SERVER_URL!).password) || 'unused-with-trust-auth');
    const server = new URL(SERVER_URL!);
    const backup = spawnSync('/bin/bash', ['-c', PG_DUMP_SCRIPT], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH']!,
        TMPDIR: scratch,
        PGHOST: server.hostname,
        PGPORT: server.port || '5432',
        PGUSER: decodeURIComponent(server.username),
        PGDATABASE: source,
        DB_PASSWORD_FILE: join(work, 'password'),
        BACKUP_DIR: backups,
        KEEP_DUMPS: '7',
      },
    });
    expect(backup.stderr).to.equal('');
    expect(backup.status).to.equal(0);
    const dumps = readdirSync(backups);
    expect(dumps).to.have.length(1);
    dump = join(backups, dumps[0]!);

    // The runbook's restore: one transaction, stop at the first error, objects owned by whoever restores.
    const restore = spawnSync(
      'pg_restore',
      ['--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${urlOf(restored)}`, dump],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(restore.stderr).to.equal('');
    expect(restore.status).to.equal(0);
  });

  after(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (!created) return;
    for (const database of [source, restored]) {
      await query(undefined, 'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        database,
      ]);
      await query(undefined, `drop database if exists ${database}`);
    }
  });

  it('restores the same tables, each with the same rows', async () => {
    const [before, after] = await Promise.all([tableContents(source), tableContents(restored)]);
    expect(Object.keys(after)).to.deep.equal([
      'chat_messages',
      'kysely_migration',
      'kysely_migration_lock',
      'rate_limits',
      'tasks',
      'users',
    ]);
    for (const table of Object.keys(before)) expect(after[table], table).to.deep.equal(before[table]);
    expect(Object.fromEntries(Object.entries(after).map(([table, rows]) => [table, rows.length]))).to.deep.equal({
      chat_messages: 4,
      kysely_migration: 2,
      kysely_migration_lock: 1,
      rate_limits: 0,
      tasks: 5,
      users: 3,
    });
  });

  it('restores unicode titles, due dates to the microsecond, priorities and tags as typed values', async () => {
    const read = (database: string) =>
      query(database, 'select title, description, due_at, priority, tags, completed from tasks order by seq');
    const rows = await read(restored);
    expect(rows).to.deep.equal(await read(source));
    expect(rows.map((r) => r['title'])).to.include.members([
      'Buy milk 🥛 and 牛乳',
      'שלום עולם (RTL) مرحبا',
      'e\u0301 combining, zero\u200bwidth',
    ]);
    const precise = await query<{ due: string }>(
      restored,
      "select to_char(due_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as due from tasks where completed",
    );
    expect(precise).to.deep.equal([{ due: '2026-12-31 18:29:59.123456' }]);
    expect(rows.find((r) => r['priority'] === 'low' && (r['tags'] as string[]).length === 4)!['tags']).to.deep.equal([
      'ünïcödé',
      'with,comma',
      'with "quote"',
      '',
    ]);
  });

  it('restores every sequence at its value, past the deleted row, so the next insert gets a fresh seq', async () => {
    const [before, after] = await Promise.all([sequences(source), sequences(restored)]);
    expect(after).to.deep.equal(before);
    expect(after.map((s) => s.sequencename)).to.include.members(['tasks_seq_seq', 'chat_messages_seq_seq']);
    expect(after.find((s) => s.sequencename === 'tasks_seq_seq')!.last_value).to.equal('6');
    const [user] = await query<{ id: string }>(restored, 'select id from users order by email limit 1');
    const [inserted] = await query<{ seq: string }>(
      restored,
      "insert into tasks (user_id, title) values ($1, 'after restore') returning seq",
      [user!.id],
    );
    expect(inserted!.seq).to.equal('7');
  });

  it('restores the constraints and the change-notification trigger, not just the data', async () => {
    const triggers = (database: string) => query(database, 'select tgname from pg_trigger where not tgisinternal order by 1');
    expect(await triggers(restored)).to.deep.equal([{ tgname: 'tasks_changed' }]);
    const constraints = (database: string) =>
      query(
        database,
        "select conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = 'public'::regnamespace order by 1",
      );
    expect(await constraints(restored)).to.deep.equal(await constraints(source));
    const refused = await query(restored, "insert into tasks (user_id, title, priority) select id, 'x', 'urgent' from users limit 1").then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    expect(refused).to.contain('violates check constraint');
  });
});
