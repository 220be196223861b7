import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Guard } from '../http/auth.js';
import type { Database } from '../db/database.js';
import { validateBody, validateQuery } from '../schemas.js';

interface ChatAppend {
  messages: { role: 'user' | 'assistant'; text: string }[];
}

const toMessage = (row: { id: string; role: 'user' | 'assistant'; text: string; created_at: string }) => ({
  id: row.id,
  role: row.role,
  text: row.text,
  createdAt: row.created_at,
});

/** The chat gateway is stateless; each user's conversation is kept here. */
export function chatRoutes(database: Database, guard: Guard): Router {
  const { db } = database;
  const router = new Router();

  router.get(
    '/api/chat/messages',
    guard(async (ctx: Context) => {
      const { limit } = validateQuery<{ limit: number }>('ChatQuery', ctx.query);
      const rows = await db
        .selectFrom('chat_messages')
        .select(['id', 'role', 'text', 'created_at'])
        .where('user_id', '=', ctx.state.userId)
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute();
      ctx.body = { messages: rows.reverse().map(toMessage) };
    }),
  );

  router.post(
    '/api/chat/messages',
    guard(async (ctx: Context) => {
      const { messages } = validateBody<ChatAppend>('ChatAppend', ctx.request.body);
      // One multi-row insert keeps the batch in order and atomic.
      const rows = await db
        .insertInto('chat_messages')
        .values(messages.map((m) => ({ user_id: ctx.state.userId, role: m.role, text: m.text })))
        .returning(['seq', 'id', 'role', 'text', 'created_at'])
        .execute();
      rows.sort((a, b) => Number(a.seq) - Number(b.seq));
      ctx.status = 201;
      ctx.body = { messages: rows.map(toMessage) };
    }),
  );

  return router;
}
