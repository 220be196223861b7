import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { isDns1035Label, isDnsSubdomain } from './names.js';
import {
  addPrometheusRule,
  type AlertSeverity,
  checkRunbookBaseUrl,
  durationSeconds,
  equals,
  type Rule,
  runbookUrl,
} from './prometheus-rules.js';

/** A CloudNativePG cluster whose WAL archiving and base backups are watched. */
export interface CloudNativePgAlerts {
  /** The `Cluster`'s name; its instance pods are `<cluster>-<n>`. */
  readonly cluster: string;
  /**
   * Age of the newest base backup past which `CnpgBackupTooOld` fires.
   * @default '26h' - a daily schedule plus two hours for a slow backup
   */
  readonly maxBackupAge?: string;
}

/** Alerts on the platform under the services: scrape targets, pods, database backups, certificates, volumes. */
export interface PlatformAlertsProps {
  /** Labels of the rule object; `name` is also its name. */
  readonly identity: AppIdentity;
  /** The namespace watched, and the rule object's. */
  readonly namespace: string;
  /** Where the runbooks are: each alert links `<runbookBaseUrl>/<kebab-case alert name>.md`, e.g. `target-down.md`. */
  readonly runbookBaseUrl: string;
  /**
   * `TargetDown`: a scrape target of the namespace is down (ticket), or every target of a job is (page).
   * @default true - needs only Prometheus itself
   */
  readonly scrapeTargets?: boolean;
  /**
   * `PodCrashLooping` and `PodNotReady`, from kube-state-metrics.
   * @default true - kube-state-metrics comes with every Prometheus Operator install (kube-prometheus-stack)
   */
  readonly pods?: boolean;
  /**
   * `PersistentVolumeFillingUp`, from the kubelet's volume statistics.
   * @default true - the kubelet exports them wherever Prometheus scrapes it
   */
  readonly volumes?: boolean;
  /**
   * `CertificateExpiringSoon`: a cert-manager Certificate of the namespace expires within `certificateExpiryWarning`.
   * @default true - every environment of this library issues its route's certificate with cert-manager
   */
  readonly certificates?: boolean;
  /**
   * How long before a certificate expires it alerts. cert-manager renews 30 days before expiry (for a
   * 90-day certificate), so a certificate this close to expiry has failed to renew for days.
   * @default '14d'
   */
  readonly certificateExpiryWarning?: string;
  /**
   * The label of cert-manager's metrics that holds the Certificate's namespace.
   * @default 'exported_namespace' - cert-manager's ServiceMonitor keeps its own target labels (honorLabels false), so the metric's `namespace` is renamed
   */
  readonly certificateNamespaceLabel?: string;
  /**
   * `CnpgWalArchivingFailing` and `CnpgBackupTooOld` for a CloudNativePG cluster backed up by the Barman Cloud plugin.
   * @default - none: no CloudNativePG cluster watched
   */
  readonly cloudNativePg?: CloudNativePgAlerts;
  /**
   * `BackupJobFailed`: a Job of this CronJob (e.g. the pg_dump backup) failed.
   * @default - none: no backup CronJob watched
   */
  readonly backupCronJob?: string;
}

/** Names of the alerts this construct can emit; each has a runbook `<kebab-case name>.md`. */
export const PLATFORM_ALERTS = [
  'TargetDown',
  'PodCrashLooping',
  'PodNotReady',
  'PersistentVolumeFillingUp',
  'CertificateExpiringSoon',
  'CnpgWalArchivingFailing',
  'CnpgBackupTooOld',
  'BackupJobFailed',
] as const;
type PlatformAlert = (typeof PLATFORM_ALERTS)[number];

interface AlertSpec {
  readonly expr: string;
  readonly for?: string;
  readonly severity: AlertSeverity;
  readonly summary: string;
  readonly description: string;
}

/**
 * The platform's own alerts, each only for what the environment runs: scrape targets down, pods
 * crash-looping or not ready, volumes filling, certificates expiring, CloudNativePG WAL archiving
 * failing or its last base backup too old, a backup CronJob's Job failing. One PrometheusRule; every
 * alert links its runbook.
 */
export class PlatformAlerts extends Construct {
  /** Name of the PrometheusRule object. */
  public readonly ruleName: string;
  /** The alerts emitted, in order. */
  public readonly alerts: readonly PlatformAlert[];

  constructor(scope: Construct, id: string, props: PlatformAlertsProps) {
    super(scope, id);
    const runbooks = checkRunbookBaseUrl(this, 'runbookBaseUrl', props.runbookBaseUrl);
    if (!isDnsSubdomain(props.namespace)) invalidProp(this, 'namespace', props.namespace, 'must be a namespace name');
    const ns = equals('namespace', props.namespace);
    const rules: [PlatformAlert, AlertSpec][] = [];

    if (props.scrapeTargets ?? true) {
      rules.push(
        [
          'TargetDown',
          {
            expr: `up{${ns}} == 0`,
            for: '10m',
            severity: 'ticket',
            summary: '{{ $labels.job }}: target {{ $labels.instance }} cannot be scraped',
            description:
              'Prometheus has failed to scrape {{ $labels.instance }} of job {{ $labels.job }} for 10 minutes: that pod is down, unready for long, or refuses the scrape.',
          },
        ],
        [
          'TargetDown',
          {
            expr: `sum by (namespace, job) (up{${ns}}) == 0`,
            for: '5m',
            severity: 'page',
            summary: '{{ $labels.job }}: no target can be scraped',
            description:
              'Every scrape target of job {{ $labels.job }} has been down for 5 minutes: the service is likely down, and its SLO alerts are blind (they need its metrics).',
          },
        ],
      );
    }

    if (props.pods ?? true) {
      rules.push(
        [
          'PodCrashLooping',
          {
            expr: `increase(kube_pod_container_status_restarts_total{${ns}}[15m]) >= 3`,
            severity: 'ticket',
            summary: '{{ $labels.pod }}: container {{ $labels.container }} is crash-looping',
            description:
              'Container {{ $labels.container }} of pod {{ $labels.pod }} restarted {{ $value | humanize }} times in 15 minutes.',
          },
        ],
        [
          'PodNotReady',
          {
            // Pods of Jobs finish unready by design; the backup Job has its own alert.
            expr: `max by (namespace, pod) (kube_pod_status_ready{${ns},condition="false"}) == 1 unless on (namespace, pod) kube_pod_owner{${ns},owner_kind="Job"}`,
            for: '15m',
            severity: 'ticket',
            summary: '{{ $labels.pod }} has not been ready for 15 minutes',
            description:
              'Pod {{ $labels.pod }} fails its readiness probe (or cannot start) and receives no traffic; its workload runs a replica short.',
          },
        ],
      );
    }

    if (props.volumes ?? true) {
      rules.push([
        'PersistentVolumeFillingUp',
        {
          expr: `kubelet_volume_stats_available_bytes{${ns}} / kubelet_volume_stats_capacity_bytes{${ns}} < 0.1`,
          for: '5m',
          severity: 'ticket',
          summary: '{{ $labels.persistentvolumeclaim }} is over 90 % full',
          description: 'Volume claim {{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} of its space left.',
        },
      ]);
    }

    if (props.certificates ?? true) {
      const warning = props.certificateExpiryWarning ?? '14d';
      const warningSeconds = durationSeconds(this, 'certificateExpiryWarning', warning);
      const label = props.certificateNamespaceLabel ?? 'exported_namespace';
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) invalidProp(this, 'certificateNamespaceLabel', label, 'must be a Prometheus label name');
      rules.push([
        'CertificateExpiringSoon',
        {
          expr: `certmanager_certificate_expiration_timestamp_seconds{${equals(label, props.namespace)}} - time() < ${warningSeconds}`,
          for: '1h',
          severity: 'ticket',
          summary: 'Certificate {{ $labels.name }} expires within ' + warning,
          description:
            'Certificate {{ $labels.name }} expires in {{ $value | humanizeDuration }}; cert-manager should have renewed it 30 days before expiry.',
        },
      ]);
    }

    if (props.cloudNativePg) {
      const { cluster } = props.cloudNativePg;
      if (!isDns1035Label(cluster)) invalidProp(this, 'cloudNativePg.cluster', cluster, 'must be a CloudNativePG Cluster name');
      const maxAge = props.cloudNativePg.maxBackupAge ?? '26h';
      const maxAgeSeconds = durationSeconds(this, 'cloudNativePg.maxBackupAge', maxAge);
      const instances = `${ns},pod=~"${cluster}-[0-9]+"`;
      const lastBackup = `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${instances}}`;
      rules.push(
        [
          'CnpgWalArchivingFailing',
          {
            // Only the primary archives; replicas report -1 for both times and never match.
            expr: `cnpg_pg_stat_archiver_last_failed_time{${instances}} > cnpg_pg_stat_archiver_last_archived_time{${instances}}`,
            for: '10m',
            severity: 'page',
            summary: `${cluster}: WAL archiving is failing on {{ $labels.pod }}`,
            description:
              'The last WAL archive attempt failed after the last success: point-in-time recovery stops at the last archived segment, and unarchived WAL fills the volume.',
          },
        ],
        [
          'CnpgBackupTooOld',
          {
            // The plugin's metric (the in-tree cnpg_collector_last_available_backup_timestamp stays 0 with the plugin);
            // an absent metric is as bad as an old backup: nobody would know.
            expr: `(time() - max by (namespace) (${lastBackup}) > ${maxAgeSeconds}) or absent(${lastBackup})`,
            for: '30m',
            severity: 'ticket',
            summary: `${cluster}: no base backup in the last ${maxAge}`,
            description: `The newest available base backup of ${cluster} is older than ${maxAge} (value: {{ $value | humanizeDuration }}; 1s means no backup metric at all).`,
          },
        ],
      );
    }

    if (props.backupCronJob !== undefined) {
      const cronJob = props.backupCronJob;
      if (!isDnsSubdomain(cronJob)) invalidProp(this, 'backupCronJob', cronJob, 'must be a CronJob name');
      rules.push([
        'BackupJobFailed',
        {
          expr: `kube_job_status_failed{${ns}} > 0 and on (namespace, job_name) kube_job_owner{${ns},owner_kind="CronJob",${equals('owner_name', cronJob)}}`,
          severity: 'ticket',
          summary: `${cronJob}: backup Job {{ $labels.job_name }} failed`,
          description: `Job {{ $labels.job_name }} of CronJob ${cronJob} failed: last night's backup is missing. Deleting the failed Job after the fix clears the alert.`,
        },
      ]);
    }

    this.ruleName = props.identity.name;
    this.alerts = rules.map(([alert]) => alert).filter((alert, i, all) => all.indexOf(alert) === i);
    const group: Rule[] = rules.map(([alert, spec]) => ({
      alert,
      expr: spec.expr,
      ...(spec.for ? { for: spec.for } : {}),
      labels: { severity: spec.severity },
      annotations: { summary: spec.summary, description: spec.description, runbook_url: runbookUrl(runbooks, alert) },
    }));
    if (group.length === 0) invalidProp(this, 'scrapeTargets', false, 'every alert is off: there would be an empty rule group');
    addPrometheusRule(this, this.ruleName, props.namespace, props.identity, [{ name: `${props.namespace}.platform`, rules: group }]);
  }
}
