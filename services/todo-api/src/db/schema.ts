import type { ColumnType, Generated } from 'kysely';

/** timestamptz columns read as ISO 8601 UTC strings (see timestamps.ts), ready for the JSON the API returns. */
type CreatedAt = ColumnType<string, never, never>;
type UpdatedAt = ColumnType<string, never, string>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string;
  created_at: CreatedAt;
}

export interface TasksTable {
  /** Insertion order; the stable key of cursor pagination. */
  seq: ColumnType<string | number, never, never>;
  id: Generated<string>;
  user_id: string;
  title: string;
  description: string;
  completed: ColumnType<boolean, boolean | undefined, boolean>;
  due_at: ColumnType<string | null, string | null | undefined, string | null>;
  priority: 'low' | 'medium' | 'high';
  tags: ColumnType<string[], string[], string[]>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ChatMessagesTable {
  seq: ColumnType<string | number, never, never>;
  id: Generated<string>;
  user_id: string;
  role: 'user' | 'assistant';
  text: string;
  created_at: CreatedAt;
}

export interface DB {
  users: UsersTable;
  tasks: TasksTable;
  chat_messages: ChatMessagesTable;
}

/** NOTIFY channel the tasks trigger publishes on; every replica LISTENs to it. */
export const TASKS_CHANNEL = 'todo_tasks_changed';

/** Counters of the rate limits and login lockouts (rate-limiter-flexible's PostgreSQL layout); not part of `DB`, only the limiter reads it. */
export const RATE_LIMITS_TABLE = 'rate_limits';
