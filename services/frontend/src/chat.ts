/** The chat-gateway WebSocket client: same-origin /ws, token in the subprotocol list. */
import {
  CHAT_SUBPROTOCOL,
  parseServerMessage as parseFrame,
  type ChatRole,
  type ErrorMessage,
  type HistoryMessage,
  type SayMessage,
  type TasksChangedMessage,
} from '../../shared/chat-protocol.js';

export const CHAT_PROTOCOL = CHAT_SUBPROTOCOL;

export interface ChatHistoryMessage {
  readonly role: ChatRole;
  readonly text: string;
}

/** A gateway message as the page uses it (shared/chat-protocol.ts has the wire format). */
export type ServerMessage =
  | { readonly type: 'reply'; readonly id: string; readonly text: string; readonly touchesTasks: boolean }
  | { readonly type: HistoryMessage['type']; readonly messages: readonly ChatHistoryMessage[] }
  | TasksChangedMessage
  | { readonly type: ErrorMessage['type']; readonly id: string | null; readonly code: string; readonly message: string };

/** Validates one frame from the gateway with the shared parser; null for anything unexpected (ignored, never thrown). */
export function parseServerMessage(data: unknown): ServerMessage | null {
  const m = parseFrame(data);
  switch (m?.type) {
    case undefined:
      return null;
    case 'reply':
      return { type: 'reply', id: m.id, text: m.text, touchesTasks: m.tasks !== undefined };
    case 'history':
      return { type: 'history', messages: m.messages.map(({ role, text }) => ({ role, text })) };
    case 'tasks-changed':
      return m;
    case 'error':
      return { type: 'error', id: m.id ?? null, code: m.code, message: m.message };
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
    const message: SayMessage = { type: 'say', id, text, ...(timeZone ? { timeZone } : {}) };
    this.socket.send(JSON.stringify(message));
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
