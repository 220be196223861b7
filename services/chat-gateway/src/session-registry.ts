import type { Heartbeat } from './heartbeat.js';
import type { GatewayMetrics } from './metrics.js';
import type { Session } from './session.js';

/** The open sessions of this gateway, by user (for the per-user cap), kept in the heartbeat. */
export class SessionRegistry {
  private readonly byUser = new Map<string, Set<Session>>();
  private readonly all = new Set<Session>();

  constructor(
    private readonly heartbeat: Heartbeat<Session>,
    private readonly metrics: GatewayMetrics,
  ) {}

  get size(): number {
    return this.all.size;
  }

  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Tracks the session until its socket closes. */
  add(userId: string, session: Session): void {
    this.all.add(session);
    this.heartbeat.add(session);
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(session);
    this.metrics.openConnections.inc();
    session.onceClosed(() => {
      this.all.delete(session);
      this.heartbeat.delete(session);
      set.delete(session);
      if (set.size === 0) this.byUser.delete(userId);
      this.metrics.openConnections.dec();
    });
  }

  /** Lets every session answer the messages it accepted, for at most `limitMs`; true when all did. */
  async drain(limitMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), limitMs)));
    const drained = Promise.all([...this.all].map((session) => session.drain())).then(() => true as const);
    try {
      return await Promise.race([drained, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every socket with 1001, waits up to `graceMs` for the closing handshakes, then terminates the rest. */
  async closeAll(graceMs: number): Promise<void> {
    const closed = Promise.all(
      [...this.all].map(
        (session) =>
          new Promise<void>((resolve) => {
            session.onceClosed(resolve);
            session.closeForShutdown();
          }),
      ),
    );
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([closed, grace]);
    for (const session of this.all) session.terminate('shutdown');
  }
}
