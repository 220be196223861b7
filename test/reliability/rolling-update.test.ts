import { expect } from 'chai';
import { runRollingUpdate, type RollingUpdateResult } from '../../soak/rollingUpdate.js';
import { databaseServerOrSkip } from '../../soak/mochaSupport.js';

/**
 * Rolling update, short version (soak/rolling-update.ts runs it longer): two todo-api child
 * processes behind a readiness-probing round-robin proxy, steady writes, SIGTERM and replace
 * each in turn. Every client request must succeed and every acknowledged write must be stored.
 */
describe('reliability: rolling update of two todo-api instances under write load', function () {
  this.timeout(120_000);
  let result: RollingUpdateResult;

  before(async function () {
    const serverUrl = databaseServerOrSkip(this);
    result = await runRollingUpdate({
      serverUrl,
      writers: 4,
      rounds: 1,
      shutdownDelayMs: 1000,
      settleMs: 700,
      probeIntervalMs: 100,
      maxDurationMs: 90_000,
    });
  });

  it('replaces both instances, each exiting 0 after SIGTERM', () => {
    expect(result.restarts).to.equal(2);
    expect(result.exitCodes).to.deep.equal([0, 0]);
  });

  it('fails no client request while instances are replaced', () => {
    expect(result.failures).to.deep.equal({});
    expect(result.proxy.proxyErrors).to.equal(0);
    // Load kept flowing through both restarts, not just before them.
    expect(result.acknowledged).to.be.above(50);
    const lastWrite = Math.max(...result.outcomes.map((o) => o.endedMs));
    expect(lastWrite).to.be.above(result.durationMs - 1000);
  });

  it('loses no acknowledged write', () => {
    expect(result.lost).to.equal(0);
    expect(result.unacknowledgedStored).to.equal(0);
  });

  it('logs no server fault (500, crash) in any instance', () => {
    expect(result.faultLogs).to.deep.equal([]);
  });

  it('counts failures when instances die instead of draining (control: SIGKILL)', async function () {
    const serverUrl = databaseServerOrSkip(this);
    const killed = await runRollingUpdate({
      serverUrl,
      writers: 4,
      rounds: 1,
      shutdownDelayMs: 1000,
      settleMs: 700,
      probeIntervalMs: 100,
      maxDurationMs: 60_000,
      stopSignal: 'SIGKILL',
    });
    expect(killed.exitCodes).to.deep.equal([null, null]);
    // Requests in flight on the killed instance were sent, so the proxy must not retry them.
    expect(killed.failures['502'] ?? 0).to.be.above(0);
    expect(killed.lost).to.equal(0);
  });
});
