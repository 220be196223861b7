import type { Logger } from 'pino';
import type { Database } from './db/database.js';
import { TASKS_CHANNEL } from './db/schema.js';

export interface TaskChange {
  readonly reason: 'created' | 'updated' | 'deleted' | 'cleared';
  readonly taskId: string | null;
}

type Listener = (change: TaskChange) => void;

/**
 * Fans the database's task notifications (one LISTEN connection per replica) out to the
 * subscribers of each user, so a change made through any replica reaches every stream.
 */
export class ChangeFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(TASKS_CHANNEL, (payload) => this.dispatch(payload));
  }

  subscribe(userId: string, listener: Listener): () => void {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
  }

  private dispatch(payload: string): void {
    try {
      const { userId, reason, taskId } = JSON.parse(payload) as { userId: string } & TaskChange;
      for (const listener of this.listeners.get(userId) ?? []) listener({ reason, taskId });
    } catch (error) {
      this.logger.warn({ err: error }, 'ignored a malformed task notification');
    }
  }
}
