/**
 * Issue #15: an independent engine (@monokle/validation) audits dist/ and finds nothing but what
 * constructs/docs/rules.md keeps, with why. The engine runs offline, in-process, in about a second.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { MonokleValidator } from '@monokle/validation';
import {
  type AuditFinding,
  type KeptFinding,
  type Manifest,
  audit,
  compare,
  createAuditValidator,
  readDist,
  readKeptFindings,
} from './support/independent-audit.js';

const ROOT = new URL('..', import.meta.url).pathname;
const RULES_MD = readFileSync(`${ROOT}constructs/docs/rules.md`, 'utf8');

function show(findings: AuditFinding[]): string {
  return findings.map((f) => `${f.check} ${f.object} ${f.field}: ${f.message}`).join('\n');
}

describe('independent audit of dist/ (@monokle/validation)', function () {
  this.timeout(60_000);
  let validator: MonokleValidator;
  let dist: Manifest[];
  let kept: KeptFinding[];

  before(async () => {
    validator = await createAuditValidator();
    dist = readDist(`${ROOT}dist`);
    kept = readKeptFindings(RULES_MD);
  });

  /** One object of dist/, deep-copied, for a deliberately broken variant. */
  function copyOf(file: string): Manifest {
    const manifest = dist.find((m) => m.file.endsWith(file));
    if (!manifest) throw new Error(`no ${file} in dist/`);
    return structuredClone(manifest);
  }

  it('reads every environment of dist/ and a kept-findings table with a reason on every row', () => {
    expect([...new Set(dist.map((m) => m.env))]).to.deep.equal(['argocd', 'dev', 'prod', 'staging']);
    expect(dist.length).to.be.greaterThan(100);
    expect(kept.length).to.be.greaterThan(0);
    for (const row of kept) {
      expect(row.check, JSON.stringify(row)).to.match(/^[A-Z]+[-A-Za-z0-9]*$/);
      expect(row.objects.length, row.check).to.be.greaterThan(0);
      expect(row.why.length, `${row.check} ${row.field}`).to.be.greaterThan(20);
    }
  });

  it('finds nothing on dist/ but the kept findings of rules.md, and every kept row still matches a finding', async () => {
    const findings = await audit(dist, validator);
    const { unexpected, stale } = compare(findings, kept);
    expect(show(unexpected), 'findings not kept in constructs/docs/rules.md').to.equal('');
    expect(
      stale.map((k) => `${k.check} ${k.field} ${k.objects.join(',')}`),
      'kept rows that match no finding (remove them)',
    ).to.deep.equal([]);
    // The Pod Security and practice plugins, the heart of the audit, find nothing at all.
    expect(findings.filter((f) => /^(PSS|KBP)/.test(f.check))).to.deep.equal([]);
  });

  it('fails a privileged container in a copy of a dist/ Deployment (PSS103, not kept)', async () => {
    const bad = copyOf('staging/deployment-todo-api.yaml');
    const spec = bad.content.spec as { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } };
    spec.template.spec.containers[0]!.securityContext.privileged = true;
    const { unexpected } = compare(await audit([bad], validator), kept);
    expect(unexpected).to.deep.include({
      check: 'PSS103',
      object: 'staging:Deployment/todo-staging/todo-api',
      field: 'spec.template.spec.containers.0.securityContext.privileged',
      message: 'Restrict usage of privileged pods.',
    });
  });

  it('runs the restricted profile (off by default in the engine): allowPrivilegeEscalation left out fails PSS202', async () => {
    const bad = copyOf('dev/cronjob-todo-db-backup.yaml');
    const jobSpec = (bad.content.spec as { jobTemplate: { spec: { template: { spec: { containers: unknown[] } } } } }).jobTemplate.spec;
    const container = jobSpec.template.spec.containers[0] as { securityContext: Record<string, unknown> };
    delete container.securityContext.allowPrivilegeEscalation;
    const checks = compare(await audit([bad], validator), kept).unexpected.map((f) => `${f.check} ${f.object}`);
    expect(checks).to.include('PSS202 dev:CronJob/todo-dev/todo-db-backup');
  });

  it("checks an Argo Rollout's pods through its Deployment stand-in: hostNetwork fails PSS102 on the Rollout", async () => {
    const bad = copyOf('prod/rollout-chat-gateway.yaml');
    (bad.content.spec as { template: { spec: Record<string, unknown> } }).template.spec.hostNetwork = true;
    const checks = compare(await audit([bad], validator), kept).unexpected.map((f) => `${f.check} ${f.object} ${f.field}`);
    expect(checks).to.include('PSS102 prod:Rollout/todo/chat-gateway spec.template.spec.hostNetwork');
  });

  it('fails a reference to an object that is in no output (LNK001 serviceAccountName, not kept)', async () => {
    const bad = copyOf('staging/deployment-frontend.yaml');
    (bad.content.spec as { template: { spec: Record<string, unknown> } }).template.spec.serviceAccountName = 'nobody';
    const checks = compare(await audit([bad], validator), kept).unexpected.map((f) => `${f.check} ${f.object} ${f.field}`);
    expect(checks).to.include('LNK001 staging:Deployment/todo-staging/frontend serviceAccountName=nobody');
  });

  it('checks the six recommended labels, managed-by included (MTD-custom-labels, not kept)', async () => {
    const bad = copyOf('prod/service-todo-api.yaml');
    delete (bad.content.metadata as { labels: Record<string, string> }).labels['app.kubernetes.io/managed-by'];
    const checks = compare(await audit([bad], validator), kept).unexpected.map((f) => `${f.check} ${f.object} ${f.field}`);
    expect(checks).to.include('MTD-custom-labels prod:Service/todo/todo-api metadata.labels.app.kubernetes.io/managed-by');
  });

  it('a kept row is stale once any object it names has no such finding, and keeps only what it names', () => {
    const finding: AuditFinding = { check: 'LNK001', object: 'dev:Pod/x/a', field: 'k=v', message: 'm' };
    const row = (objects: string[]): KeptFinding => ({ check: 'LNK001', objects, field: 'k=v', why: 'reason' });
    expect(compare([finding], [row(['dev:Pod/x/a'])])).to.deep.equal({ unexpected: [], stale: [] });
    expect(compare([finding], [row(['dev:Pod/x/a', 'dev:Pod/x/b'])]).stale).to.have.length(1);
    expect(compare([finding], [row(['dev:Pod/x/b'])]).unexpected).to.deep.equal([finding]);
    expect(compare([finding], [{ ...row(['*']), field: 'k=other' }])).to.deep.equal({
      unexpected: [finding],
      stale: [{ ...row(['*']), field: 'k=other' }],
    });
  });
});
