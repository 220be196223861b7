/**
 * Prometheus's own checker on the rules: `promtool check rules` on every PrometheusRule in dist/, and
 * `promtool test rules` on the unit tests in test/alerts/promtool/ (each alert firing on a synthetic
 * series that breaks it, silent on one that does not).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { PROMETHEUS, requireOrSkip } from '../support/requirements.js';
import { distPrometheusRules, fixtureRuleGroups, type RuleGroup } from './rules.js';

const UNIT_TESTS = new URL('./promtool/', import.meta.url).pathname;

function promtool(cwd: string, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

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

  before(function () {
    requireOrSkip(this, spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0, PROMETHEUS);
    dir = mkdtempSync(join(tmpdir(), 'promtool-'));
    writeUnitTestRules(dir, fixtureRuleGroups());
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

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
    writeFileSync(file, stringify({ groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'sum(rate(http_requests_total[5m]) > ' }] }] }));
    expect(promtool(dir, 'check', 'rules', file).status).to.not.equal(0);
  });

  for (const test of readdirSync(UNIT_TESTS).filter((f) => f.endsWith('.test.yaml')).sort()) {
    it(`\`promtool test rules\` ${test}`, () => {
      const { status, output } = promtool(dir, 'test', 'rules', test);
      expect(status, output).to.equal(0);
      expect(output).to.include('SUCCESS');
    });
  }

  it('the unit tests can fail: a looser objective (99 %) misses the availability pages they expect', () => {
    const loose = mkdtempSync(join(tmpdir(), 'promtool-loose-'));
    try {
      const groups = fixtureRuleGroups().map((group) => ({
        ...group,
        rules: group.rules.map((rule) => (rule.record === 'slo:error_budget:ratio' || !rule.alert ? rule : { ...rule, expr: rule.expr.replaceAll('* 0.001)', '* 0.01)') })),
      }));
      writeUnitTestRules(loose, groups);
      const { status, output } = promtool(loose, 'test', 'rules', 'slo-availability.test.yaml');
      expect(status).to.not.equal(0);
      expect(output).to.include('FAILED');
    } finally {
      rmSync(loose, { recursive: true, force: true });
    }
  });
});
