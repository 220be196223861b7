import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Guard } from '../http/auth.js';
import { sql, type Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { TasksTable } from '../db/schema.js';
import { badRequest, notFound, unauthorized } from '../http/problem.js';
import { validateBody, validateId, validateQuery } from '../schemas.js';

type Priority = 'low' | 'medium' | 'high';
interface TaskCreate {
  title: string;
  description?: string;
  dueAt?: string | null;
  priority?: Priority;
  tags?: string[];
}
interface TaskPatch {
  title?: string;
  description?: string;
  completed?: boolean;
  dueAt?: string | null;
  priority?: Priority;
  tags?: string[];
}
interface TaskQuery {
  status: 'all' | 'pending' | 'completed';
  q?: string;
  limit: number;
  cursor?: string;
}

const COLUMNS = ['seq', 'id', 'title', 'description', 'completed', 'due_at', 'priority', 'tags', 'created_at', 'updated_at'] as const;
type TaskRow = Pick<Selectable<TasksTable>, (typeof COLUMNS)[number]>;

export function toTask(row: TaskRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    dueAt: row.due_at,
    priority: row.priority,
    tags: row.tags,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Cursors are opaque to clients: base64url of a versioned position (the last row's seq). */
function encodeCursor(seq: string | number): string {
  return Buffer.from(JSON.stringify({ v: 1, after: String(seq) })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    if (decoded.v === 1 && typeof decoded.after === 'string' && /^\d{1,18}$/.test(decoded.after)) return decoded.after;
  } catch {
    /* falls through to the 400 below */
  }
  throw badRequest('The cursor is invalid.', [{ field: 'query/cursor', message: 'is not a cursor returned by this API' }]);
}

/** `q` matches literally: LIKE wildcards in user input are escaped. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const FOREIGN_KEY_VIOLATION = '23503';

export function taskRoutes(database: Database, guard: Guard): Router {
  const { db } = database;
  const router = new Router();

  const findOwn = (ctx: Context) =>
    db.selectFrom('tasks').select(COLUMNS).where('id', '=', validateId(ctx.params.id)).where('user_id', '=', ctx.state.userId);

  router.get(
    '/api/tasks',
    guard(async (ctx: Context) => {
      const query = validateQuery<TaskQuery>('TaskQuery', ctx.query);
      let select = db.selectFrom('tasks').select(COLUMNS).where('user_id', '=', ctx.state.userId);
      if (query.status !== 'all') select = select.where('completed', '=', query.status === 'completed');
      if (query.q) {
        const pattern = likePattern(query.q);
        select = select.where((eb) => eb.or([eb('title', 'ilike', pattern), eb('description', 'ilike', pattern)]));
      }
      if (query.cursor) select = select.where('seq', '>', sql<string>`${decodeCursor(query.cursor)}::bigint`);
      // One row more than asked tells whether a next page exists without a count query.
      const rows = await select
        .orderBy('seq', 'asc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      ctx.body = {
        items: page.map(toTask),
        nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.seq) : null,
      };
    }),
  );

  router.post(
    '/api/tasks',
    guard(async (ctx: Context) => {
      const body = validateBody<TaskCreate>('TaskCreate', ctx.request.body);
      try {
        const row = await db
          .insertInto('tasks')
          .values({
            user_id: ctx.state.userId,
            title: body.title,
            description: body.description ?? '',
            due_at: body.dueAt ?? null,
            priority: body.priority ?? 'medium',
            tags: body.tags ?? [],
          })
          .returning(COLUMNS)
          .executeTakeFirstOrThrow();
        ctx.status = 201;
        ctx.set('Location', `/api/tasks/${row.id}`);
        ctx.body = toTask(row);
      } catch (error) {
        if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw unauthorized('The account no longer exists.');
        throw error;
      }
    }),
  );

  router.get(
    '/api/tasks/:id',
    guard(async (ctx: Context) => {
      const row = await findOwn(ctx).executeTakeFirst();
      if (!row) throw notFound('No such task.');
      ctx.body = toTask(row);
    }),
  );

  router.patch(
    '/api/tasks/:id',
    guard(async (ctx: Context) => {
      const id = validateId(ctx.params.id);
      const patch = validateBody<TaskPatch>('TaskPatch', ctx.request.body);
      const row = await db
        .updateTable('tasks')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.completed !== undefined ? { completed: patch.completed } : {}),
          ...(patch.dueAt !== undefined ? { due_at: patch.dueAt } : {}),
          ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
          ...(patch.tags !== undefined ? { tags: patch.tags } : {}),
          updated_at: sql<string>`now()`,
        })
        .where('id', '=', id)
        .where('user_id', '=', ctx.state.userId)
        .returning(COLUMNS)
        .executeTakeFirst();
      if (!row) throw notFound('No such task.');
      ctx.body = toTask(row);
    }),
  );

  router.delete(
    '/api/tasks/:id',
    guard(async (ctx: Context) => {
      const id = validateId(ctx.params.id);
      const result = await db.deleteFrom('tasks').where('id', '=', id).where('user_id', '=', ctx.state.userId).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('No such task.');
      ctx.status = 204;
    }),
  );

  return router;
}
