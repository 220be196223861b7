import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { Heartbeat, type Pingable } from '../src/heartbeat.js';

/** A socket that records when it was pinged and answers (or not) like a ws client. */
class RecordingSocket implements Pingable {
  alive = true;
  readonly pingedAt: number[] = [];
  terminatedFor: string | undefined;

  constructor(
    private readonly answers: boolean,
    private readonly started: number,
  ) {}

  ping(): void {
    this.alive = false;
    this.pingedAt.push(performance.now() - this.started);
    if (this.answers) queueMicrotask(() => (this.alive = true)); // the pong
  }

  terminate(reason: string): void {
    this.terminatedFor = reason;
  }
}

describe('Heartbeat (timing wheel)', () => {
  const INTERVAL_MS = 400;
  const TICK_MS = 40; // 10 slots
  let heartbeat: Heartbeat<RecordingSocket> | undefined;
  afterEach(() => heartbeat?.stop());

  /** A running heartbeat watching one new socket per entry of `answers` (true: it answers pings). */
  function watch(...answers: boolean[]): RecordingSocket[] {
    const started = performance.now();
    heartbeat = new Heartbeat<RecordingSocket>(INTERVAL_MS, TICK_MS);
    const sockets = answers.map((answer) => new RecordingSocket(answer, started));
    for (const socket of sockets) heartbeat.add(socket);
    return sockets;
  }

  it('pings every socket once per interval, spread over the interval instead of in one burst', async () => {
    const sockets = watch(...Array<boolean>(100).fill(true));
    await sleep(INTERVAL_MS * 1.5);

    // A tick pings its slot in one go; ticks are TICK_MS apart: cluster the first pings by gaps.
    const firstPings = sockets.map((socket) => socket.pingedAt[0]!).sort((a, b) => a - b);
    expect(firstPings.every(Number.isFinite)).to.equal(true);
    const clusters = [[firstPings[0]!]];
    for (const at of firstPings.slice(1)) {
      if (at - clusters.at(-1)!.at(-1)! > TICK_MS / 2) clusters.push([at]);
      else clusters.at(-1)!.push(at);
    }
    // 100 sockets dealt into 10 slots: ten moments of 10 pings each.
    expect(clusters.map((cluster) => cluster.length)).to.deep.equal(Array(10).fill(10));
    for (const socket of sockets.filter((s) => s.pingedAt.length > 1)) {
      expect(socket.pingedAt[1]! - socket.pingedAt[0]!).to.be.within(INTERVAL_MS - TICK_MS, 2 * INTERVAL_MS);
    }
    expect(sockets.every((socket) => socket.terminatedFor === undefined)).to.equal(true);
  });

  it('pings a socket again one interval later, and terminates it then if the last ping got no pong', async () => {
    const [answering, silent] = watch(true, false) as [RecordingSocket, RecordingSocket];
    await sleep(2 * INTERVAL_MS + TICK_MS / 2);

    expect(answering.pingedAt.length).to.be.at.least(2);
    expect(answering.pingedAt[1]! - answering.pingedAt[0]!).to.be.within(INTERVAL_MS - TICK_MS, 2 * INTERVAL_MS);
    expect(answering.terminatedFor).to.equal(undefined);
    expect(silent.pingedAt).to.have.length(1);
    expect(silent.terminatedFor).to.equal('heartbeat');
  });

  it('forgets a deleted socket', async () => {
    const [kept, closed] = watch(true, true) as [RecordingSocket, RecordingSocket];
    heartbeat!.delete(closed);
    await sleep(INTERVAL_MS + TICK_MS / 2);

    expect(kept.pingedAt).to.have.length(1);
    expect(closed.pingedAt).to.deep.equal([]);
  });
});
