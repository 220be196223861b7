/** Every alert in dist/ says what broke and links a runbook that exists in this repository. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PLATFORM_ALERTS, runbookFileName, SLO_ALERTS } from '@todo-platform/hardened-constructs';
import { RUNBOOKS_URL } from '../../charts/config.js';
import { distPrometheusRules, fixtureRuleGroups, ROOT } from './rules.js';

/** `<repo>/blob/<revision>/` — what a runbook_url must start with to name a file of this repository. */
const BLOB_PREFIX = RUNBOOKS_URL.slice(0, RUNBOOKS_URL.indexOf('/docs/runbooks')) + '/';

describe('alerts and runbooks', () => {
  const files = distPrometheusRules();
  const alerts = files.flatMap((f) => f.groups.flatMap((g) => g.rules.filter((r) => r.alert).map((rule) => ({ file: f.file, rule }))));

  it('dist/ has the SLO and platform alerts of staging and prod, and none in dev (no Prometheus Operator there)', () => {
    expect(files.map((f) => f.file)).to.have.members(
      ['prod', 'staging'].flatMap((env) =>
        ['chat-gateway-slo', 'platform-alerts', 'todo-api-slo'].map((name) => `dist/${env}/prometheusrule-${name}.yaml`),
      ),
    );
    expect(alerts.length).to.be.greaterThan(20);
  });

  it('every alert in dist/ has a summary, a description and a runbook_url naming a file of this repository', () => {
    const problems: string[] = [];
    for (const { file, rule } of alerts) {
      const where = `${file}: ${rule.alert}`;
      const { summary, description, runbook_url: url } = rule.annotations ?? {};
      if (!summary?.trim()) problems.push(`${where}: no summary`);
      if (!description?.trim()) problems.push(`${where}: no description`);
      if (!url) problems.push(`${where}: no runbook_url`);
      else if (!url.startsWith(BLOB_PREFIX)) problems.push(`${where}: runbook_url ${url} is not under ${BLOB_PREFIX}`);
      else if (!existsSync(join(ROOT, url.slice(BLOB_PREFIX.length)))) problems.push(`${where}: runbook_url ${url} names a missing file`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('every alert the constructs can make has a runbook, and every runbook an alert', () => {
    const names = [...SLO_ALERTS, ...PLATFORM_ALERTS];
    const fixture = new Set(fixtureRuleGroups().flatMap((g) => g.rules.map((r) => r.alert).filter(Boolean)));
    expect([...fixture].sort()).to.deep.equal([...names].sort());
    const alertPages = names.map(runbookFileName).sort();
    for (const page of alertPages) expect(existsSync(join(ROOT, 'docs/runbooks', page)), page).to.equal(true);
    // Any other page is a procedure (a restore) that an alert's runbook links to: no page is orphaned.
    const linked = alertPages.map((page) => readFileSync(join(ROOT, 'docs/runbooks', page), 'utf8')).join('\n');
    const procedures = readdirSync(join(ROOT, 'docs/runbooks')).filter((f) => f !== 'README.md' && !alertPages.includes(f));
    for (const page of procedures) expect(linked, `${page} is linked from an alert's runbook`).to.include(`(${page})`);
  });

  it('every alert runbook says what the alert means, how to confirm, mitigate and escalate', () => {
    for (const page of [...SLO_ALERTS, ...PLATFORM_ALERTS].map(runbookFileName)) {
      const text = readFileSync(join(ROOT, 'docs/runbooks', page), 'utf8');
      for (const section of ['## Meaning', '## Confirm', '## Mitigate', '## Escalate'])
        expect(text, `${page}: ${section}`).to.include(section);
    }
  });

  it('would catch a runbook_url that names no file', () => {
    const url = `${RUNBOOKS_URL}/no-such-alert.md`;
    expect(url.startsWith(BLOB_PREFIX)).to.equal(true);
    expect(existsSync(join(ROOT, url.slice(BLOB_PREFIX.length)))).to.equal(false);
  });
});
