import http from 'node:http';
import https from 'node:https';
import type { Task } from '../../shared/todo-api-types.js';
import type { ListFilter, Priority } from './intent/tools.js';

export type { Task };

export interface ChatMessage {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly createdAt: string;
}

/** The API did not answer in time, could not be reached, or failed (5xx, 429). */
export class ApiUnavailableError extends Error {
  override readonly name = 'ApiUnavailableError';
}

/** The API refused the request (4xx); `status` tells why (401 expired token, 404 gone task…). */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`todo-api answered ${status}: ${detail}`);
  }
}

/** Bounds the number of pages read when the gateway needs a user's whole list. */
const MAX_PAGES = 20;

/** Told how each call went, for metrics. */
export type ApiCallObserver = (method: string, outcome: 'ok' | 'refused' | 'unavailable', seconds: number) => void;

/** The todo-api's HTTP API, called with one user's own token; every call is bounded by `timeoutMs`. */
export class TodoApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
    private readonly observe: ApiCallObserver = () => undefined,
  ) {}

  /** The user's tasks in creation order (the order "show my tasks" numbers them). */
  async listTasks(status: 'all' | 'pending' | 'completed' = 'all'): Promise<Task[]> {
    const tasks: Task[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ status, limit: '100', ...(cursor ? { cursor } : {}) });
      const body = (await this.request('GET', `/api/tasks?${query}`)) as { items: Task[]; nextCursor: string | null };
      tasks.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return tasks;
  }

  createTask(task: { title: string; dueAt?: string; priority?: Priority }): Promise<Task> {
    return this.request('POST', '/api/tasks', task) as Promise<Task>;
  }

  updateTask(id: string, patch: { title?: string; completed?: boolean; dueAt?: string | null; priority?: Priority }): Promise<Task> {
    return this.request('PATCH', `/api/tasks/${encodeURIComponent(id)}`, patch) as Promise<Task>;
  }

  async deleteTask(id: string): Promise<void> {
    await this.request('DELETE', `/api/tasks/${encodeURIComponent(id)}`);
  }

  async chatHistory(limit: number): Promise<ChatMessage[]> {
    const body = (await this.request('GET', `/api/chat/messages?limit=${limit}`)) as { messages: ChatMessage[] };
    return body.messages;
  }

  async appendChat(messages: readonly { role: 'user' | 'assistant'; text: string }[]): Promise<void> {
    await this.request('POST', '/api/chat/messages', { messages });
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await this.send(method, path, body);
      this.observe(method, 'ok', seconds());
      return result;
    } catch (error) {
      this.observe(method, error instanceof ApiRequestError ? 'refused' : 'unavailable', seconds());
      throw error;
    }
  }

  /** node:http rather than fetch: a fraction of the CPU per call, which is most of a reply's cost. */
  private send(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const unavailable = (error: Error) => reject(new ApiUnavailableError(`todo-api unreachable: ${error.name}`));
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method,
          agent: url.protocol === 'https:' ? HTTPS_AGENT : HTTP_AGENT,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', unavailable);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status === 204) return resolve(undefined);
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return reject(new ApiUnavailableError(`todo-api sent an unreadable ${status} answer`));
            }
            if (status >= 500 || status === 429) return reject(new ApiUnavailableError(`todo-api answered ${status}`));
            if (status >= 400) {
              return reject(new ApiRequestError(status, String((parsed as { detail?: unknown } | null)?.detail ?? response.statusMessage)));
            }
            resolve(parsed);
          });
        },
      );
      request.on('error', unavailable);
      request.end(payload);
    });
  }
}

/** Connections to the API are reused across users and sockets. */
const HTTP_AGENT = new http.Agent({ keepAlive: true });
const HTTPS_AGENT = new https.Agent({ keepAlive: true });

/** The filter applied to a user's tasks for a list request, read in the user's time zone. */
export function filterTasks(tasks: readonly Task[], filter: ListFilter, now: Date, dayStart: Date, dayEnd: Date): Task[] {
  switch (filter) {
    case 'all':
      return [...tasks];
    case 'pending':
      return tasks.filter((t) => !t.completed);
    case 'completed':
      return tasks.filter((t) => t.completed);
    case 'due_today':
      return tasks.filter((t) => !t.completed && t.dueAt !== null && new Date(t.dueAt) >= dayStart && new Date(t.dueAt) < dayEnd);
    case 'overdue':
      return tasks.filter((t) => !t.completed && t.dueAt !== null && new Date(t.dueAt) < now);
  }
}
