/** PlatformAlerts: the alerts under the services, each only for what the environment runs, each with its runbook. */
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { PLATFORM_ALERTS, PlatformAlerts, type PlatformAlertsProps } from '../platform-alerts.js';
import { environment, hardeningViolations } from './support/policy.js';
import { only, type Manifest } from './support/snapshot.js';

const RUNBOOKS = 'https://github.com/example-org/todo-platform/blob/main/docs/runbooks/';
const PROPS: PlatformAlertsProps = {
  identity: { name: 'platform-alerts', version: '1.4.2', component: 'monitoring', partOf: 'todo' },
  namespace: 'todo',
  runbookBaseUrl: RUNBOOKS,
};

function rulesOf(props: Partial<PlatformAlertsProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new PlatformAlerts(chart, 'alerts', { ...PROPS, ...props });
  return only(Testing.synth(chart) as Manifest[], 'PrometheusRule').spec.groups.flatMap((group: Manifest) => group.rules);
}
const find = (rules: Manifest[], alert: string) => rules.find((r) => r.alert === alert)!;

describe('PlatformAlerts', () => {
  it('watches scrape targets, pods, volumes and certificates by default, and no database or backup job', () => {
    expect(rulesOf().map((r) => `${r.alert}/${r.labels.severity}`)).to.deep.equal([
      'TargetDown/ticket',
      'TargetDown/page',
      'PodCrashLooping/ticket',
      'PodNotReady/ticket',
      'PersistentVolumeFillingUp/ticket',
      'CertificateExpiringSoon/ticket',
    ]);
  });

  it('keeps every expression to the namespace watched', () => {
    for (const rule of rulesOf({ cloudNativePg: { cluster: 'todo-db' }, backupCronJob: 'todo-db-backup' })) {
      expect(rule.expr, rule.alert).to.match(/namespace="todo"/);
    }
  });

  it('pages when every target of a job is down, tickets when one is', () => {
    const [one, all] = rulesOf().filter((r) => r.alert === 'TargetDown');
    expect(one).to.include({ expr: 'up{namespace="todo"} == 0', for: '10m' });
    expect(all).to.include({ expr: 'sum by (namespace, job) (up{namespace="todo"}) == 0', for: '5m' });
  });

  it('leaves Job pods (finished, unready by design) out of PodNotReady', () => {
    expect(find(rulesOf(), 'PodNotReady').expr).to.include('unless on (namespace, pod) kube_pod_owner{namespace="todo",owner_kind="Job"}');
  });

  it("reads the certificate namespace from cert-manager's exported_namespace, 14 days ahead by default", () => {
    expect(find(rulesOf(), 'CertificateExpiringSoon').expr).to.equal(
      'certmanager_certificate_expiration_timestamp_seconds{exported_namespace="todo"} - time() < 1209600',
    );
    expect(
      find(rulesOf({ certificateExpiryWarning: '7d', certificateNamespaceLabel: 'namespace' }), 'CertificateExpiringSoon').expr,
    ).to.equal('certmanager_certificate_expiration_timestamp_seconds{namespace="todo"} - time() < 604800');
  });

  it("watches a CloudNativePG cluster's WAL archiving and its Barman Cloud plugin backups, a missing metric included", () => {
    const rules = rulesOf({ cloudNativePg: { cluster: 'todo-db' } });
    const pods = 'namespace="todo",pod=~"todo-db-[0-9]+"';
    expect(find(rules, 'CnpgWalArchivingFailing')).to.deep.include({
      expr: `cnpg_pg_stat_archiver_last_failed_time{${pods}} > cnpg_pg_stat_archiver_last_archived_time{${pods}}`,
      labels: { severity: 'page' },
    });
    const backup = `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${pods}}`;
    expect(find(rules, 'CnpgBackupTooOld').expr).to.equal(`(time() - max by (namespace) (${backup}) > 93600) or absent(${backup})`);
    expect(find(rulesOf({ cloudNativePg: { cluster: 'todo-db', maxBackupAge: '2d' } }), 'CnpgBackupTooOld').expr).to.include('> 172800');
  });

  it('alerts on a failed Job of the backup CronJob, and only of that CronJob', () => {
    expect(find(rulesOf({ backupCronJob: 'todo-db-backup' }), 'BackupJobFailed').expr).to.equal(
      'kube_job_status_failed{namespace="todo"} > 0 and on (namespace, job_name) kube_job_owner{namespace="todo",owner_kind="CronJob",owner_name="todo-db-backup"}',
    );
  });

  it('turns each family off on request', () => {
    const rules = rulesOf({ scrapeTargets: false, pods: false, volumes: false });
    expect(rules.map((r) => r.alert)).to.deep.equal(['CertificateExpiringSoon']);
  });

  it('gives every alert a summary, a description and its runbook (the trailing slash of the base dropped)', () => {
    const rules = rulesOf({ cloudNativePg: { cluster: 'todo-db' }, backupCronJob: 'todo-db-backup' });
    expect([...new Set(rules.map((r) => r.alert))]).to.deep.equal([...PLATFORM_ALERTS]);
    for (const rule of rules) {
      expect(rule.annotations.summary, rule.alert).to.be.a('string').and.have.length.above(0);
      expect(rule.annotations.description, rule.alert).to.be.a('string').and.have.length.above(0);
    }
    expect(find(rules, 'CnpgWalArchivingFailing').annotations.runbook_url).to.equal(
      'https://github.com/example-org/todo-platform/blob/main/docs/runbooks/cnpg-wal-archiving-failing.md',
    );
    expect(find(rules, 'PersistentVolumeFillingUp').annotations.runbook_url).to.match(/\/runbooks\/persistent-volume-filling-up\.md$/);
  });

  it('passes the hardening policy and the PrometheusRule schema with no waiver', async () => {
    const objects = environment(
      (chart) => new PlatformAlerts(chart, 'alerts', { ...PROPS, cloudNativePg: { cluster: 'todo-db' }, backupCronJob: 'todo-db-backup' }),
    );
    expect(await hardeningViolations(objects)).to.deep.equal([]);
  });

  for (const [override, message] of [
    [{ namespace: 'Todo' }, 'invalid namespace "Todo": must be a namespace name'],
    [{ runbookBaseUrl: 'docs/runbooks' }, 'invalid runbookBaseUrl "docs/runbooks": must be an https URL'],
    [{ certificateExpiryWarning: 'two weeks' }, 'invalid certificateExpiryWarning "two weeks": must be a Prometheus duration'],
    [
      { certificateNamespaceLabel: 'exported-namespace' },
      'invalid certificateNamespaceLabel "exported-namespace": must be a Prometheus label name',
    ],
    [{ cloudNativePg: { cluster: 'todo_db' } }, 'invalid cloudNativePg.cluster "todo_db": must be a CloudNativePG Cluster name'],
    [
      { cloudNativePg: { cluster: 'todo-db', maxBackupAge: '1.5d' } },
      'invalid cloudNativePg.maxBackupAge "1.5d": must be a Prometheus duration',
    ],
    [{ backupCronJob: 'Backup' }, 'invalid backupCronJob "Backup": must be a CronJob name'],
    [{ scrapeTargets: false, pods: false, volumes: false, certificates: false }, 'invalid scrapeTargets false: every alert is off'],
  ] as const) {
    it(`refuses ${JSON.stringify(override)}, naming the construct and the value`, () => {
      expect(() => rulesOf(override as Partial<PlatformAlertsProps>)).to.throw(`test/alerts: ${message}`);
    });
  }
});
