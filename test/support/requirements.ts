/**
 * Suites that need something this machine may not have (a PostgreSQL server, chromium, nginx,
 * root) skip with a printed `[skip]` line naming what they need and how to get it — unless the
 * matching REQUIRE_* variable is 1 (CI sets them), where a missing requirement fails instead.
 * The reason is kept on the suite, so the test reporter can count skips by reason at the end.
 */
export interface Requirement {
  /** What the suite needs, e.g. `a PostgreSQL server (DATABASE_URL)`. */
  readonly needs: string;
  /** How to provide it. */
  readonly howTo: string;
  /** The variable that turns the skip into a failure, e.g. `REQUIRE_DATABASE`. */
  readonly requiredBy?: string;
}

export const DATABASE_SERVER: Requirement = {
  needs: 'a PostgreSQL server (DATABASE_URL)',
  howTo: 'set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test',
  requiredBy: 'REQUIRE_DATABASE',
};
export const BROWSER: Requirement = {
  needs: 'chromium',
  howTo: 'apt-get install chromium, or set CHROMIUM_PATH',
  requiredBy: 'REQUIRE_BROWSER',
};
export const NGINX: Requirement = { needs: 'nginx', howTo: 'apt-get install nginx-light', requiredBy: 'REQUIRE_NGINX' };
export const PROMETHEUS: Requirement = {
  needs: 'Prometheus (promtool and prometheus)',
  howTo: 'apt-get install prometheus',
  requiredBy: 'REQUIRE_PROMETHEUS',
};
export const ROOT: Requirement = { needs: 'root (to run as uid 10001)', howTo: 'run the tests as root, as CI does' };

/** The property of a Mocha suite that holds why its tests were skipped (read by test/support/summary-reporter.cjs). */
export const SKIP_REASON = 'skipReason';

/**
 * Call first in a `before` hook (or a test): returns when `available`; otherwise fails if the
 * requirement's REQUIRE_* variable is 1, or skips the suite with a printed reason.
 */
export function requireOrSkip(context: Mocha.Context, available: boolean, requirement: Requirement): void {
  if (available) return;
  if (requirement.requiredBy && process.env[requirement.requiredBy] === '1') {
    throw new Error(`this suite needs ${requirement.needs}, and ${requirement.requiredBy}=1 requires it: ${requirement.howTo}`);
  }
  const suite = context.test?.parent;
  if (suite) Object.assign(suite, { [SKIP_REASON]: `needs ${requirement.needs}` });
  console.log(`    [skip] ${suite?.fullTitle() ?? 'suite'}: needs ${requirement.needs} (${requirement.howTo})`);
  context.skip();
}
