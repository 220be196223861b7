/**
 * Prometheus's own checker on the rules: `promtool check rules` on every PrometheusRule in dist/, and
 * `promtool test rules` on the unit tests in test/alerts/promtool/ (each alert firing on a synthetic
 * series that breaks it, silent on one that does not).
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { PROMETHEUS, requireOrSkip } from '../support/requirements.js';
import { distPrometheusRules, fixtureRuleGroups, type RuleGroup } from './rules.js';

const UNIT_TESTS = new URL('./promtool/', import.meta.url).pathname;

interface Run {
  status: number | null;
  output: string;
}

function promtool(cwd: string, ...args: string[]): Run {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The same, in the background: the unit-test files run side by side (each is one busy core for seconds). */
function promtoolAsync(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('promtool', args, { cwd, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

const UNIT_TEST_FILES = readdirSync(UNIT_TESTS)
  .filter((f) => f.endsWith('.test.yaml'))
  .sort();

/**
 * The unit tests' rule files: the SLO groups and the platform groups apart, so a test evaluates only
 * the rules it is about (a day of 1-minute evaluations of every rule would take half a minute).
 * Annotations are left out: promtool would compare every rendered description; `check rules` parses
 * their templates, and test/alerts/runbooks.test.ts checks they are there.
 */
function writeUnitTestRules(dir: string, groups: RuleGroup[]): void {
  const bare = groups.map((group) => ({ ...group, rules: group.rules.map(({ annotations: _shown, ...rule }) => rule) }));
  writeFileSync(join(dir, 'slo-rules.yaml'), stringify({ groups: bare.filter((g) => !g.name.endsWith('.platform')) }));
  writeFileSync(join(dir, 'platform-rules.yaml'), stringify({ groups: bare.filter((g) => g.name.endsWith('.platform')) }));
  for (const file of readdirSync(UNIT_TESTS)) copyFileSync(join(UNIT_TESTS, file), join(dir, file));
}

describe('alert rules under promtool', function () {
  this.timeout(60_000);
  let dir: string;
  let loose: string;
  const runs = new Map<string, Promise<Run>>();

  before(function () {
    requireOrSkip(this, spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0, PROMETHEUS);
    dir = mkdtempSync(join(tmpdir(), 'promtool-'));
    writeUnitTestRules(dir, fixtureRuleGroups());
    for (const test of UNIT_TEST_FILES) runs.set(test, promtoolAsync(dir, 'test', 'rules', test));
    // The same availability tests against alerts whose thresholds assume a 99 % objective.
    loose = mkdtempSync(join(tmpdir(), 'promtool-loose-'));
    const groups = fixtureRuleGroups().map((group) => ({
      ...group,
      rules: group.rules.map((rule) => (rule.alert ? { ...rule, expr: rule.expr.replaceAll('* 0.001)', '* 0.01)') } : rule)),
    }));
    writeUnitTestRules(loose, groups);
    runs.set('loose', promtoolAsync(loose, 'test', 'rules', 'slo-availability.test.yaml'));
  });
  after(async () => {
    await Promise.all(runs.values());
    for (const path of [dir, loose]) if (path) rmSync(path, { recursive: true, force: true });
  });

  it('`promtool check rules` passes on the spec of every PrometheusRule in dist/', () => {
    const files = distPrometheusRules().map((rule, i) => {
      const file = join(dir, `dist-${i}-${rule.file.replace(/\W+/g, '_')}.yaml`);
      writeFileSync(file, stringify({ groups: rule.groups }));
      return file;
    });
    expect(files).to.have.length(6);
    const { status, output } = promtool(dir, 'check', 'rules', ...files);
    expect(status, output).to.equal(0);
    expect(output.match(/SUCCESS: \d+ rules found/g)).to.have.length(files.length);
  });

  it('`promtool check rules` would refuse a broken expression', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      stringify({ groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'sum(rate(http_requests_total[5m]) > ' }] }] }),
    );
    expect(promtool(dir, 'check', 'rules', file).status).to.not.equal(0);
  });

  for (const test of UNIT_TEST_FILES) {
    it(`\`promtool test rules\` ${test}`, async () => {
      const { status, output } = await runs.get(test)!;
      expect(status, output).to.equal(0);
      expect(output).to.include('SUCCESS');
    });
  }

  it('the unit tests can fail: alerts with a looser objective (99 %) miss the availability pages they expect', async () => {
    const { status, output } = await runs.get('loose')!;
    expect(status).to.not.equal(0);
    expect(output).to.include('FAILED');
  });
});
