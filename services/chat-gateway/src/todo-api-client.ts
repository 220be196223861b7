import type { ListFilter, Priority } from './intent/tools.js';

export interface Task {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
  readonly dueAt: string | null;
  readonly priority: Priority;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

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
  constructor(readonly status: number, readonly detail: string) {
    super(`todo-api answered ${status}: ${detail}`);
  }
}

/** Bounds the number of pages read when the gateway needs a user's whole list. */
const MAX_PAGES = 20;

/** The todo-api's HTTP API, called with one user's own token; every call is bounded by `timeoutMs`. */
export class TodoApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
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
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ApiUnavailableError(`todo-api unreachable: ${(error as Error).name}`);
    }
    if (response.status === 204) return undefined;
    let payload: unknown;
    try {
      payload = await response.json();
    } catch (error) {
      throw new ApiUnavailableError(`todo-api sent an unreadable ${response.status} answer: ${(error as Error).name}`);
    }
    if (response.status >= 500 || response.status === 429) throw new ApiUnavailableError(`todo-api answered ${response.status}`);
    if (response.status >= 400) {
      throw new ApiRequestError(response.status, String((payload as { detail?: unknown } | null)?.detail ?? response.statusText));
    }
    return payload;
  }
}

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
