/** Skipped suites say what they need, the run counts skips by reason, and REQUIRE_* turns a skip into a failure. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';

const ROOT = new URL('..', import.meta.url).pathname;

function runFixture(env: Record<string, string>): { status: number | null; output: string } {
  const { REQUIRE_DATABASE: _ignored, ...inherited } = process.env;
  const result = spawnSync(
    'npx',
    [
      'mocha',
      '--no-config',
      '--node-option=import=tsx',
      '--reporter',
      './test/support/summary-reporter.cjs',
      'test/fixtures/skipping.fixture.ts',
    ],
    { cwd: ROOT, env: { ...inherited, ...env }, encoding: 'utf8' },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('skips by requirement', function () {
  this.timeout(60_000);

  it('without the server: a [skip] line naming the need and how to meet it, and a closing count by reason', () => {
    const { status, output } = runFixture({});
    expect(status).to.equal(0);
    expect(output).to.include('[skip] needs a server: needs a PostgreSQL server (DATABASE_URL) (set DATABASE_URL=');
    expect(output).to.include('skipped by reason: 2 needs a PostgreSQL server (DATABASE_URL)');
    expect(output.trimEnd().split('\n').at(-1)).to.equal('1 passed, 0 failed, 2 skipped');
  });

  it('with REQUIRE_DATABASE=1 the missing server fails the run', () => {
    const { status, output } = runFixture({ REQUIRE_DATABASE: '1' });
    expect(status).to.not.equal(0);
    expect(output).to.include('REQUIRE_DATABASE=1 requires it');
  });

  it('with the server the suite runs', () => {
    const { status, output } = runFixture({ FIXTURE_DATABASE_URL: 'postgres://example' });
    expect(status).to.equal(0);
    expect(output.trimEnd().split('\n').at(-1)).to.equal('3 passed, 0 failed, 0 skipped');
  });
});
