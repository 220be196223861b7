/** Client for the todo-api (services/todo-api/README.md): bearer auth, problem+json errors. */

export type { Priority, Task } from '../../shared/todo-api-types.js';
import type { Priority, Task } from '../../shared/todo-api-types.js';

export interface TaskPage {
  readonly items: readonly Task[];
  readonly nextCursor: string | null;
}

export type TaskStatus = 'all' | 'pending' | 'completed';

export interface TaskQuery {
  readonly status?: TaskStatus;
  readonly q?: string;
  readonly limit?: number;
  readonly cursor?: string | null;
}

export interface NewTask {
  readonly title: string;
  readonly dueAt?: string | null;
  readonly priority?: Priority;
}

export interface TaskPatch {
  readonly title?: string;
  readonly completed?: boolean;
  readonly dueAt?: string | null;
  readonly priority?: Priority;
}

/** Field name (as the form knows it) → message for the person. */
export type FieldErrors = Readonly<Record<string, string>>;

/** An API failure, in words a person can read, with per-field messages when the API gave them. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    /** HTTP status, or 0 when the API could not be reached. */
    readonly status: number,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
  }
}

const STATUS_WORDS: Readonly<Record<number, string>> = {
  0: 'The server could not be reached. Check your connection and try again.',
  400: 'The request was not valid.',
  401: 'Your session has expired. Please log in again.',
  403: 'You are not allowed to do that.',
  404: 'That item no longer exists.',
  409: 'That conflicts with existing data.',
  413: 'That is too large.',
  422: 'Some fields need attention.',
  429: 'Too many requests. Wait a moment and try again.',
};

/** Words for a status when the API sent no readable problem. */
export function describeStatus(status: number): string {
  return (
    STATUS_WORDS[status] ?? (status >= 500 ? 'The server had a problem. Try again in a moment.' : `The request failed (HTTP ${status}).`)
  );
}

/** `/email`, `body.email`, `email` → `email`; `/tags/0` → `tags` (the field, not the index). */
export function fieldNameFromPath(path: string): string {
  const segments = path.split(/[/.]/).filter((s) => s !== '' && s !== 'body' && s !== '#' && !/^\d+$/.test(s));
  return segments[segments.length - 1] ?? '';
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '');
}

/** Field errors from the shapes problem+json validators produce (array of items, or a map). */
export function extractFieldErrors(errors: unknown): FieldErrors {
  const out: Record<string, string> = {};
  if (Array.isArray(errors)) {
    for (const item of errors) {
      const error = asRecord(item);
      if (!error) continue;
      const params = asRecord(error['params']);
      const path = firstString(
        error['field'],
        error['name'],
        error['pointer'],
        error['path'],
        error['instancePath'],
        params?.['missingProperty'],
      );
      const message = firstString(error['message'], error['detail'], error['title']);
      if (path === undefined || message === undefined) continue;
      const field = fieldNameFromPath(path) || fieldNameFromPath(String(params?.['missingProperty'] ?? ''));
      if (field && !(field in out)) out[field] = message;
    }
  } else {
    const map = asRecord(errors);
    for (const [key, value] of Object.entries(map ?? {})) {
      const message = Array.isArray(value) ? firstString(...value) : firstString(value);
      if (message !== undefined) out[fieldNameFromPath(key) || key] = message;
    }
  }
  return out;
}

/** Maps an HTTP error response (status + parsed body, if any) to an ApiError in words. */
export function problemToApiError(status: number, body: unknown): ApiError {
  const problem = asRecord(body);
  const fieldErrors = extractFieldErrors(problem?.['errors']);
  const detail = firstString(problem?.['detail']);
  const title = firstString(problem?.['title']);
  return new ApiError(detail ?? title ?? describeStatus(status), status, fieldErrors);
}

export interface ApiClientOptions {
  /**
   * Origin of the API; empty means the page's own origin (the Ingress / dev server proxy).
   * @default ''
   */
  readonly baseUrl?: string;
  /** Current bearer token, or null when logged out. */
  readonly getToken: () => string | null;
  /** Called when an authenticated request gets 401: the token expired or was revoked. */
  readonly onUnauthorized?: () => void;
  /**
   * fetch implementation.
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  register(email: string, password: string): Promise<string> {
    return this.request<{ token: string }>('POST', '/api/auth/register', { email, password }, false).then((r) => r.token);
  }

  login(email: string, password: string): Promise<string> {
    return this.request<{ token: string }>('POST', '/api/auth/login', { email, password }, false).then((r) => r.token);
  }

  me(): Promise<{ id: string; email: string; createdAt: string }> {
    return this.request('GET', '/api/me');
  }

  listTasks(query: TaskQuery = {}): Promise<TaskPage> {
    const params = new URLSearchParams();
    params.set('status', query.status ?? 'all');
    if (query.q) params.set('q', query.q);
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.request('GET', `/api/tasks?${params}`);
  }

  createTask(task: NewTask): Promise<Task> {
    const body: Record<string, unknown> = { title: task.title };
    if (task.dueAt) body['dueAt'] = task.dueAt;
    if (task.priority) body['priority'] = task.priority;
    return this.request('POST', '/api/tasks', body);
  }

  updateTask(id: string, patch: TaskPatch): Promise<Task> {
    return this.request('PATCH', `/api/tasks/${encodeURIComponent(id)}`, patch);
  }

  async deleteTask(id: string): Promise<void> {
    await this.request('DELETE', `/api/tasks/${encodeURIComponent(id)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown, authenticated = true): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    const token = authenticated ? this.options.getToken() : null;
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(describeStatus(0), 0);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      if (response.status === 401 && token) {
        // The credentials the request carried are no longer good: say so, whatever the API's words.
        this.options.onUnauthorized?.();
        throw new ApiError(describeStatus(401), 401);
      }
      throw problemToApiError(response.status, parsed);
    }
    return parsed as T;
  }
}
