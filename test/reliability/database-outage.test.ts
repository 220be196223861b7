import { expect } from 'chai';
import { runDatabaseOutage, type DatabaseOutageResult } from '../../soak/databaseOutage.js';
import { databaseServerOrSkip } from '../../soak/mochaSupport.js';

const REQUEST_BOUND_MS = 5000;

/**
 * Database outage, short version (soak/database-outage.ts runs it longer): the API's
 * PostgreSQL path goes through a TCP relay; backends are terminated, the port is refused, then
 * blackholed, each under load. Only 201/200 or 503 problem+json, never a 500 or a hang, and
 * ready again within 5 s of the database returning.
 */
describe('reliability: database outage under load (PostgreSQL server through a TCP relay)', function () {
  this.timeout(120_000);
  let result: DatabaseOutageResult;

  before(async function () {
    const serverUrl = databaseServerOrSkip(this);
    result = await runDatabaseOutage({
      serverUrl,
      writers: 4,
      faults: ['terminate-backends', 'port-refused', 'port-blackholed'],
      outageMs: 2500,
      settleMs: 600,
      requestTimeoutMs: REQUEST_BOUND_MS,
      maxDurationMs: 90_000,
      apiEnv: { DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '1000', READY_TIMEOUT_MS: '500' },
    });
  });

  it('answers only 200/201 or 503 problem+json, with no timeout, across every fault', () => {
    const kinds = Object.keys(result.all).sort();
    expect(
      kinds.every((k) => ['200', '201', '503'].includes(k)),
      JSON.stringify(result.all),
    ).to.equal(true);
    expect(result.all['503'], 'the faults produced no 503 at all').to.be.above(0);
    expect(result.non503Problem).to.equal(0);
  });

  it('answers every request inside a cut port with a bounded 503, and /readyz fails', () => {
    for (const fault of result.faults.filter((f) => f.fault !== 'terminate-backends')) {
      expect(Object.keys(fault.duringOutage), `${fault.fault}: ${JSON.stringify(fault.duringOutage)}`).to.deep.equal(['503']);
      expect(fault.maxLatencyMs, fault.fault).to.be.below(REQUEST_BOUND_MS);
      expect(fault.readyDuringOutage, fault.fault).to.equal(503);
    }
  });

  it('is ready again within 5 s of the database returning', () => {
    expect(result.faults.map((f) => f.fault)).to.deep.equal(['terminate-backends', 'port-refused', 'port-blackholed']);
    for (const fault of result.faults) expect(fault.msToReady, fault.fault).to.be.below(5000);
  });

  it('loses no acknowledged write and logs no server fault', () => {
    expect(result.acknowledged).to.be.above(20);
    expect(result.lost).to.equal(0);
    expect(result.faultLogs).to.deep.equal([]);
  });
});
