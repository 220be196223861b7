/** The chat-gateway WebSocket client: same-origin /ws, token in the subprotocol list. */

export const CHAT_PROTOCOL = 'todo-chat.v1';

export interface ChatHistoryMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export type ServerMessage =
  | { readonly type: 'reply'; readonly id: string; readonly text: string; readonly touchesTasks: boolean }
  | { readonly type: 'history'; readonly messages: readonly ChatHistoryMessage[] }
  | { readonly type: 'tasks-changed' }
  | { readonly type: 'error'; readonly id: string | null; readonly code: string; readonly message: string };

/** Validates one frame from the gateway; null for anything unexpected (ignored, never thrown). */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  switch (m['type']) {
    case 'reply':
      if (typeof m['text'] !== 'string') return null;
      return { type: 'reply', id: typeof m['id'] === 'string' ? m['id'] : '', text: m['text'], touchesTasks: Array.isArray(m['tasks']) };
    case 'history': {
      if (!Array.isArray(m['messages'])) return null;
      const messages = m['messages'].flatMap((item: unknown): ChatHistoryMessage[] => {
        const entry = (item ?? {}) as Record<string, unknown>;
        const role = entry['role'];
        return (role === 'user' || role === 'assistant') && typeof entry['text'] === 'string' ? [{ role, text: entry['text'] }] : [];
      });
      return { type: 'history', messages };
    }
    case 'tasks-changed':
      return { type: 'tasks-changed' };
    case 'error':
      return {
        type: 'error',
        id: typeof m['id'] === 'string' ? m['id'] : null,
        code: typeof m['code'] === 'string' ? m['code'] : 'error',
        message: typeof m['message'] === 'string' ? m['message'] : 'The assistant could not handle that.',
      };
    default:
      return null;
  }
}

/** The IANA time zone the browser runs in, when it can tell. */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** ws://host/ws or wss://host/ws for the page's own origin. */
export function chatUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/** Delay before reconnect attempt n (0-based): 0.5 s doubling to 15 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(15_000, 500 * 2 ** Math.min(attempt, 10));
}

export type ChatStatus = 'connecting' | 'online' | 'offline';

export interface ChatHandlers {
  readonly onMessage: (message: ServerMessage) => void;
  readonly onStatus: (status: ChatStatus) => void;
  /** The socket could not open; the app checks whether the token is still valid. */
  readonly onConnectFailed: () => void;
}

export class ChatConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly handlers: ChatHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  /**
   * Sends a chat line; false when not connected (the caller tells the person). The browser's
   * time zone goes along so "tomorrow at 5pm" means the person's tomorrow.
   */
  say(id: string, text: string, timeZone: string | undefined = browserTimeZone()): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify({ type: 'say', id, text, ...(timeZone ? { timeZone } : {}) }));
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close(1000, 'logged out');
    this.socket = null;
  }

  private open(): void {
    this.handlers.onStatus('connecting');
    const socket = new WebSocket(this.url, [CHAT_PROTOCOL, `bearer.${this.token}`]);
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.attempt = 0;
      this.handlers.onStatus('online');
    });
    socket.addEventListener('message', (event) => {
      const message = parseServerMessage(event.data);
      if (message) this.handlers.onMessage(message);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      this.handlers.onStatus('offline');
      if (!opened) this.handlers.onConnectFailed();
      this.timer = setTimeout(() => this.open(), reconnectDelayMs(this.attempt++));
    });
  }
}
