/**
 * The chat WebSocket protocol (`todo-chat.v1`) as both ends see it: the chat-gateway sends and
 * parses with these types, the frontend too. Frames are JSON text; design.md is the contract.
 */
import type { Task } from './todo-api-types.js';

/** The subprotocol both ends select; the token travels beside it as `bearer.<jwt>`. */
export const CHAT_SUBPROTOCOL = 'todo-chat.v1';
/** Longest `text` of a say message (the todo-api stores at most this per chat message). */
export const MAX_SAY_TEXT = 4000;
/** Longest client id of a say message. */
export const MAX_SAY_ID = 100;

// ------------------------------------------------------------------ client → server

export interface SayMessage {
  readonly type: 'say';
  /** Chosen by the client; the reply (or error) carries it back. */
  readonly id: string;
  readonly text: string;
  /** IANA zone for "tomorrow at 5pm"; the gateway's default when absent. */
  readonly timeZone?: string;
  /**
   * W3C trace context of the browser's action (the `traceparent`/`tracestate` header values):
   * the gateway's span for this message, its API calls and their SQL join that trace. Optional;
   * malformed values are ignored (a new trace starts), as the W3C spec asks.
   */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export type ClientMessage = SayMessage;

// ------------------------------------------------------------------ server → client

export type ChatRole = 'user' | 'assistant';

/** One line of the stored conversation. The gateway sends all four fields; clients need only role and text. */
export interface ChatHistoryEntry {
  readonly role: ChatRole;
  readonly text: string;
  readonly id?: string;
  readonly createdAt?: string;
}

export type ErrorCode = 'bad_json' | 'bad_message' | 'unknown_type' | 'rate_limited' | 'history_unavailable' | 'shutting_down' | 'internal';

export interface ReplyMessage {
  readonly type: 'reply';
  readonly id: string;
  readonly text: string;
  /** Present when the reply is about tasks (the list shown, or the task acted on). */
  readonly tasks?: readonly Task[];
}

export interface HistoryMessage {
  readonly type: 'history';
  readonly messages: readonly ChatHistoryEntry[];
}

export interface TasksChangedMessage {
  readonly type: 'tasks-changed';
}

export interface ErrorMessage {
  readonly type: 'error';
  /** The say message's id, when the error is about one that had a usable id. */
  readonly id?: string;
  readonly code: ErrorCode;
  readonly message: string;
}

export type ServerMessage = ReplyMessage | HistoryMessage | TasksChangedMessage | ErrorMessage;

// ------------------------------------------------------------------ parsing

export type ParsedClientMessage =
  { readonly ok: true; readonly message: ClientMessage } | { readonly ok: false; readonly error: ErrorMessage };

/**
 * Validates one text frame from a client. A refusal comes as the error message to send back,
 * naming what is wrong; `isValidTimeZone` is the gateway's own check of IANA zones.
 */
export function parseClientMessage(frame: string, isValidTimeZone: (zone: string) => boolean): ParsedClientMessage {
  const refuse = (code: ErrorCode, message: string, id?: string): ParsedClientMessage => ({
    ok: false,
    error: { type: 'error', ...(id !== undefined ? { id } : {}), code, message },
  });
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return refuse('bad_json', 'Messages must be JSON, like {"type":"say","id":"1","text":"show my tasks"}.');
  }
  if (!isObject(value)) return refuse('bad_message', 'A message must be a JSON object with a type.');
  const { type, id, text, timeZone, traceparent, tracestate } = value;
  const replyId = typeof id === 'string' ? id : undefined;
  if (type !== 'say') return refuse('unknown_type', `Unknown message type ${JSON.stringify(type)}; the only type is "say".`, replyId);
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_SAY_ID) {
    return refuse('bad_message', `A say message needs an "id" string of 1 to ${MAX_SAY_ID} characters.`, replyId);
  }
  if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_SAY_TEXT) {
    return refuse('bad_message', `A say message needs a "text" of 1 to ${MAX_SAY_TEXT} characters.`, id);
  }
  if (timeZone !== undefined && (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))) {
    return refuse('bad_message', '"timeZone" must be an IANA time zone such as "Europe/Paris".', id);
  }
  return {
    ok: true,
    message: {
      type: 'say',
      id,
      text,
      ...(timeZone !== undefined ? { timeZone } : {}),
      ...(isTraceField(traceparent) ? { traceparent } : {}),
      ...(isTraceField(tracestate) ? { tracestate } : {}),
    },
  };
}

/** W3C caps tracestate at 512 characters; a traceparent is 55. Anything else is not trace context. */
function isTraceField(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 512;
}

/**
 * Validates one frame from the gateway; null for anything that is not a message of the contract
 * (clients ignore those rather than fail). History entries that are not user/assistant text are
 * dropped. `tasks` is only checked to be a list of objects: clients refetch tasks from the API.
 */
export function parseServerMessage(frame: unknown): ServerMessage | null {
  if (typeof frame !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  switch (value['type']) {
    case 'reply': {
      const { id, text, tasks } = value;
      if (typeof id !== 'string' || typeof text !== 'string') return null;
      if (tasks !== undefined && !(Array.isArray(tasks) && tasks.every(isObject))) return null;
      return { type: 'reply', id, text, ...(tasks !== undefined ? { tasks: tasks as unknown as Task[] } : {}) };
    }
    case 'history': {
      const { messages } = value;
      if (!Array.isArray(messages)) return null;
      return { type: 'history', messages: messages.flatMap(historyEntry) };
    }
    case 'tasks-changed':
      return { type: 'tasks-changed' };
    case 'error': {
      const { id, code, message } = value;
      if (typeof code !== 'string' || typeof message !== 'string') return null;
      // Codes a newer gateway adds still reach the user as errors.
      return { type: 'error', ...(typeof id === 'string' ? { id } : {}), code: code as ErrorCode, message };
    }
    default:
      return null;
  }
}

function historyEntry(item: unknown): ChatHistoryEntry[] {
  if (!isObject(item)) return [];
  const { role, text, id, createdAt } = item;
  if ((role !== 'user' && role !== 'assistant') || typeof text !== 'string') return [];
  return [{ role, text, ...(typeof id === 'string' ? { id } : {}), ...(typeof createdAt === 'string' ? { createdAt } : {}) }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
