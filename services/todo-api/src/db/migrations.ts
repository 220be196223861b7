import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { RATE_LIMITS_TABLE, TASKS_CHANNEL } from './schema.js';

/** Schema history. Append only: a released migration is never edited. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('tasks')
        .addColumn('seq', 'bigserial', (c) => c.notNull().unique())
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('completed', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('due_at', 'timestamptz')
        .addColumn('priority', 'text', (c) =>
          c
            .notNull()
            .defaultTo('medium')
            .check(sql`priority in ('low', 'medium', 'high')`),
        )
        .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('tasks_user_seq').on('tasks').columns(['user_id', 'seq']).execute();
      await db.schema
        .createTable('chat_messages')
        .addColumn('seq', 'bigserial', (c) => c.notNull().unique())
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('user', 'assistant')`))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('chat_messages_user_seq').on('chat_messages').columns(['user_id', 'seq']).execute();
      // A trigger, not application code, announces changes: every write path (any replica,
      // any future job) reaches every /api/events stream, and only once committed.
      await sql`
        create function notify_tasks_changed() returns trigger language plpgsql as $$
        declare
          row_user uuid := coalesce(new.user_id, old.user_id);
          row_id uuid := coalesce(new.id, old.id);
          reason text := case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end;
        begin
          perform pg_notify(${sql.lit(TASKS_CHANNEL)},
            json_build_object('userId', row_user, 'reason', reason, 'taskId', row_id)::text);
          return null;
        end $$`.execute(db);
      await sql`create trigger tasks_changed after insert or update or delete on tasks
        for each row execute function notify_tasks_changed()`.execute(db);
    },
  },
  '0002_rate_limits': {
    async up(db: Kysely<unknown>) {
      // The layout rate-limiter-flexible's RateLimiterPostgres expects (key text: an email can be long).
      // UNLOGGED: counted on every API request, so no WAL write per request; a database crash or
      // failover empties it (limits start afresh), a clean restart keeps it.
      await sql`create unlogged table ${sql.id(RATE_LIMITS_TABLE)} (
        key text primary key, points integer not null default 0, expire bigint)`.execute(db);
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Arbitrary constant naming the start-up migration lock among advisory locks. */
const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Applies pending migrations. A session advisory lock on one connection serialises replicas
 * that start together (kysely's own lock is taken only after it creates its tables, which
 * can itself race).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kysely migrations run on any schema (its Migrator takes Kysely<any>)
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      const { error, results } = await new Migrator({ db: conn, provider }).migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}
