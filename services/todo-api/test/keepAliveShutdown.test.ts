import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { backends } from './helpers.js';
import { MIN_WRITES_BEFORE_SIGNAL, shutdownUnderKeepAlive, type ShutdownScenario } from './keepAliveLoops.js';

// The server when DATABASE_URL is set, PGlite otherwise; one store for the three runs, so only
// the first embedded start pays for initdb.
const backend = backends().at(-1)!;
const RUNS = 3;

describe(`todo-api SIGTERM under 20 keep-alive loops (bundle, ${backend.name}), ${RUNS} runs`, function () {
  this.timeout(120_000);
  let store: ShutdownScenario['store'];
  let scratch: string | undefined;

  before(async () => {
    const overrides = await backend.create();
    if (overrides.databaseUrl) {
      store = { databaseUrl: overrides.databaseUrl };
    } else {
      scratch = await mkdtemp(path.join(os.tmpdir(), 'todo-api-keepalive-'));
      store = { dataDir: scratch };
    }
  });
  after(async () => {
    await backend.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  for (let run = 1; run <= RUNS; run++) {
    it(`run ${run}: no reset, every acknowledged write stored, answers while draining say Connection: close, exit 0`, async () => {
      const outcome = await shutdownUnderKeepAlive({ store, loadMs: 1000, shutdownDelayMs: 300, label: `run${run}` });
      const summary =
        `${outcome.acknowledged.length} writes acknowledged (${outcome.acknowledgedBeforeSignal} before SIGTERM), ` +
        `${outcome.resets.length} resets, ${outcome.missing.length} lost`;
      console.log(`      ${summary}`);
      expect(outcome.resets, summary).to.deep.equal([]);
      expect(outcome.missing, summary).to.deep.equal([]);
      expect(outcome.exitCode, outcome.output).to.equal(0);
      expect(outcome.acknowledgedBeforeSignal, summary).to.be.at.least(MIN_WRITES_BEFORE_SIGNAL);
      expect(outcome.acknowledged.length, 'writes are served while draining').to.be.above(outcome.acknowledgedBeforeSignal);
      const byName = Object.fromEntries(outcome.results.map((r) => [r.name, r]));
      expect(Object.keys(byName['invalid body (400)']!.statuses)).to.deep.equal(['400']);
      expect(Object.keys(byName['no token (401)']!.statuses)).to.deep.equal(['401']);
      expect(Object.keys(byName['not JSON (415)']!.statuses)).to.deep.equal(['415']);
      expect(byName['readiness (503 while draining)']!.statuses[503]).to.be.above(0);
      // Once the drain began, every answer — success or error — tells the client to close.
      expect(
        outcome.drainAnswers.filter((a) => !a.closed),
        'answers during the drain without Connection: close',
      ).to.deep.equal([]);
    });
  }
});
