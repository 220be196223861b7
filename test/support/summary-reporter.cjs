// Mocha's spec reporter plus closing lines: the skips counted by reason (each skipped suite records
// why, see test/support/requirements.ts), then one line in the plain form CI tooling reads:
// "N passed, N failed, N skipped".
'use strict';
const { reporters, Runner } = require('mocha');

/** The reason recorded on the test's suite or an enclosing one. */
function reasonOf(test) {
  for (let suite = test.parent; suite; suite = suite.parent) if (suite.skipReason) return suite.skipReason;
  return 'skipped in the code (it.skip / describe.skip)';
}

class SpecWithSummary extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = new Map();
    runner.on(Runner.constants.EVENT_TEST_PENDING, (test) => {
      const reason = reasonOf(test);
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    });
    runner.once(Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      const reasons = [...skipped].sort(([, a], [, b]) => b - a).map(([reason, count]) => `${count} ${reason}`);
      if (reasons.length > 0) process.stdout.write(`\nskipped by reason: ${reasons.join('; ')}\n`);
      process.stdout.write(`\n${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SpecWithSummary;
