import type { Logger } from 'pino';

/** The API pings every 15 s; three missed pings mean the stream is dead even if TCP has not noticed. */
const IDLE_TIMEOUT_MS = 45_000;

type Listener = () => void;

export interface ChangeStreamOptions {
  readonly todoApiUrl: string;
  readonly connectTimeoutMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly logger: Logger;
  /** Told the number of streams connected to the API whenever it changes. */
  readonly onConnectedCount: (count: number) => void;
}

/**
 * One `GET /api/events` stream per user with open sockets, shared by all of that user's sockets:
 * opened with the first subscription, closed with the last, reconnected with backoff in between.
 */
export class UserChangeStreams {
  private readonly streams = new Map<string, UserChangeStream>();
  private connected = 0;

  constructor(private readonly options: ChangeStreamOptions) {}

  private readonly onConnection = (delta: number) => {
    this.connected += delta;
    this.options.onConnectedCount(this.connected);
  };

  /** Calls `listener` whenever the user's tasks change; the token is the user's own, the newest wins. */
  subscribe(userId: string, token: string, listener: Listener): () => void {
    let stream = this.streams.get(userId);
    if (!stream) {
      stream = new UserChangeStream(userId, token, this.options, this.onConnection);
      this.streams.set(userId, stream);
    }
    stream.token = token;
    stream.listeners.add(listener);
    const owner = stream;
    return () => {
      owner.listeners.delete(listener);
      if (owner.listeners.size === 0 && this.streams.get(userId) === owner) {
        owner.stop();
        this.streams.delete(userId);
      }
    };
  }

  closeAll(): void {
    for (const stream of this.streams.values()) stream.stop();
    this.streams.clear();
  }
}

class UserChangeStream {
  readonly listeners = new Set<Listener>();
  private stopped = false;
  private controller: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly userId: string,
    public token: string,
    private readonly options: ChangeStreamOptions,
    private readonly onConnection: (delta: number) => void,
  ) {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
    clearTimeout(this.retryTimer);
  }

  private async run(): Promise<void> {
    let delay = this.options.retryMinMs;
    let connectedBefore = false;
    while (!this.stopped) {
      try {
        await this.readOnce(() => {
          // Changes made while disconnected were missed: tell the sockets to refresh.
          if (connectedBefore) this.emit();
          connectedBefore = true;
          delay = this.options.retryMinMs;
        });
      } catch (error) {
        if (!this.stopped) this.options.logger.warn({ userId: this.userId, err: (error as Error).message }, 'change stream failed');
      }
      if (this.stopped) break;
      const jittered = delay / 2 + Math.random() * (delay / 2);
      await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, jittered)));
      delay = Math.min(delay * 2, this.options.retryMaxMs);
    }
  }

  private async readOnce(onConnected: () => void): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    let idle = setTimeout(() => controller.abort(), this.options.connectTimeoutMs);
    let connected = false;
    try {
      const response = await fetch(new URL('/api/events', this.options.todoApiUrl), {
        headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (response.status !== 200 || !response.body) throw new Error(`GET /api/events answered ${response.status}`);
      connected = true;
      this.onConnection(1);
      onConnected();
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        const events = buffer.split(/\r?\n\r?\n/);
        buffer = events.pop() ?? '';
        for (const event of events) {
          if (event.split(/\r?\n/).some((line) => /^event:\s*tasks-changed\s*$/.test(line))) this.emit();
        }
      }
    } finally {
      clearTimeout(idle);
      if (connected) this.onConnection(-1);
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
