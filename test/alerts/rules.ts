/**
 * The PrometheusRules the alert tests read: those committed in dist/, and a fixture with every alert the
 * constructs can make (dist/ has no environment with the pg_dump CronJob and alerting both).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { PlatformAlerts, ServiceLevelObjective } from '@todo-platform/hardened-constructs';
import { RUNBOOKS_URL } from '../../charts/config.js';
import { TODO_SERVICES } from '../../charts/services.js';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const DIST = join(ROOT, 'dist');

/** A rule of a PrometheusRule's spec, loosely typed for assertions. */
export type Rule = { alert?: string; record?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> };
export type RuleGroup = { name: string; rules: Rule[] };
export interface PrometheusRuleFile {
  /** Path relative to the repository root, e.g. `dist/prod/prometheusrule-todo-api-slo.yaml`. */
  readonly file: string;
  readonly name: string;
  readonly groups: RuleGroup[];
}

/** Every PrometheusRule object in dist/, by file. */
export function distPrometheusRules(): PrometheusRuleFile[] {
  const found: PrometheusRuleFile[] = [];
  for (const env of readdirSync(DIST, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const file of readdirSync(join(DIST, env.name))
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      const path = join('dist', env.name, file);
      for (const doc of parseAllDocuments(readFileSync(join(ROOT, path), 'utf8'))) {
        const object = doc.toJS() as { kind?: string; metadata: { name: string }; spec: { groups: RuleGroup[] } } | null;
        if (object?.kind === 'PrometheusRule') found.push({ file: path, name: object.metadata.name, groups: object.spec.groups });
      }
    }
  }
  return found;
}

/** True when the command runs (`--version` exits 0). */
export function runs(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Every alert and recording rule the constructs make, for namespace `todo`: the platform's own SLOs
 * (charts/services.ts) and PlatformAlerts with every family on. The promtool unit tests
 * (test/alerts/promtool/*.yaml) load this as `rules.yaml`.
 */
export function fixtureRuleGroups(): RuleGroup[] {
  const chart = Testing.chart();
  for (const service of TODO_SERVICES.filter((s) => s.slo)) {
    new ServiceLevelObjective(chart, `${service.name}-slo`, {
      identity: { name: service.name, version: '1.0.0', component: service.component, partOf: 'todo-platform' },
      namespace: 'todo',
      runbookBaseUrl: RUNBOOKS_URL,
      ...service.slo,
    });
  }
  new PlatformAlerts(chart, 'platform-alerts', {
    identity: { name: 'platform-alerts', version: '1.0.0', component: 'monitoring', partOf: 'todo-platform' },
    namespace: 'todo',
    runbookBaseUrl: RUNBOOKS_URL,
    cloudNativePg: { cluster: 'todo-db' },
    backupCronJob: 'todo-db-backup',
  });
  return (Testing.synth(chart) as { kind: string; spec: { groups: RuleGroup[] } }[])
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o) => o.spec.groups);
}
