/** What the heartbeat needs of a socket. */
export interface Pingable {
  /** False when the last ping has had no pong yet. */
  readonly alive: boolean;
  ping(): void;
  terminate(reason: string): void;
}

/**
 * Pings every socket once per interval and terminates those that did not answer the previous
 * ping, spread evenly over the interval: a timing wheel with one slot per tick, sockets dealt
 * round-robin into the slots. Pinging all 10,000 sockets of the benchmark in one burst stalled
 * replies for up to 200 ms, and every client's pong then arrived in the same instant.
 */
export class Heartbeat<T extends Pingable> {
  private readonly slots: Set<T>[];
  private readonly slotOf = new Map<T, number>();
  private nextSlot = 0;
  private tickSlot = 0;
  private readonly timer: NodeJS.Timeout;

  /** @param tickMs how often a slot is visited; the interval is divided into slots of this length. */
  constructor(intervalMs: number, tickMs = 100) {
    const slotCount = Math.max(1, Math.round(intervalMs / tickMs));
    this.slots = Array.from({ length: slotCount }, () => new Set<T>());
    this.timer = setInterval(() => this.tick(), intervalMs / slotCount);
    this.timer.unref();
  }

  add(socket: T): void {
    this.slots[this.nextSlot]!.add(socket);
    this.slotOf.set(socket, this.nextSlot);
    this.nextSlot = (this.nextSlot + 1) % this.slots.length;
  }

  delete(socket: T): void {
    const slot = this.slotOf.get(socket);
    if (slot === undefined) return;
    this.slots[slot]!.delete(socket);
    this.slotOf.delete(socket);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const slot = this.slots[this.tickSlot]!;
    this.tickSlot = (this.tickSlot + 1) % this.slots.length;
    for (const socket of slot) {
      if (socket.alive) socket.ping();
      else socket.terminate('heartbeat');
    }
  }
}
