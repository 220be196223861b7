/**
 * `make restore-plan ENV=prod AT=2026-12-07T02:15:00Z [NAME=…] [INSTANCES=…]`: prints (YAML, on stdout)
 * the CloudNativePG recovery Cluster that brings the environment's database back as it was at AT,
 * from its Barman Cloud object store, with its NetworkPolicies and base backup schedule. Built from
 * the environment's own chart (charts/config.ts), so it copies exactly what is deployed, and checked
 * by the hardening policy and the schemas with synth's options, next to the environment's objects.
 * Nothing is written: the plan is applied by hand (docs/runbooks/restore.md), never synced from dist/.
 * Bad input exits 2 naming the value; a policy finding exits 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Chart } from 'cdk8s';
import {
  CloudNativePgDatabase,
  CloudNativePgRecovery,
  formatFinding,
  HardeningValidation,
  parseRfc3339,
} from '@todo-platform/hardened-constructs';
import { ENVIRONMENTS, loadImages, type EnvironmentConfig } from '../config.js';
import { toYaml, type KubeObject } from '../output.js';
import { TodoPlatformChart } from '../platform.js';
import { policyOptionsFor } from '../synth.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** What the person asked for: the make variables, as strings, unchecked. */
export interface RestorePlanRequest {
  readonly env?: string;
  readonly at?: string;
  readonly name?: string;
  readonly instances?: string;
}

/** The input is wrong (exit 2), as opposed to a plan the policy refuses (exit 1). */
export class RestorePlanUsageError extends Error {
  override readonly name = 'RestorePlanUsageError';
}

export interface RestorePlan {
  readonly env: EnvironmentConfig;
  /** The recovered cluster's name and the Secret the services switch their DATABASE_URL to. */
  readonly clusterName: string;
  readonly appSecret: string;
  readonly objects: readonly KubeObject[];
}

/** The default name: the source's, `-pitr-`, and the target minute in UTC (`todo-db-pitr-20261207-0215`). */
export function defaultClusterName(source: string, targetMs: number): string {
  const stamp = new Date(targetMs).toISOString();
  return `${source}-pitr-${stamp.slice(0, 10).replaceAll('-', '')}-${stamp.slice(11, 16).replace(':', '')}`;
}

/** Builds and checks the plan; throws RestorePlanUsageError for bad input, Error for policy findings. */
export async function restorePlan(request: RestorePlanRequest, now: Date = new Date()): Promise<RestorePlan> {
  const known = ENVIRONMENTS.map((e) => e.name).join(', ');
  if (!request.env) throw new RestorePlanUsageError(`ENV is required: one of ${known}`);
  const env = ENVIRONMENTS.find((e) => e.name === request.env);
  if (!env) throw new RestorePlanUsageError(`ENV "${request.env}" is not an environment: one of ${known}`);
  if (env.database.kind !== 'cloudnative-pg') {
    throw new RestorePlanUsageError(
      `ENV "${env.name}" has database kind "${env.database.kind}": point-in-time recovery needs CloudNativePG's WAL archive; ` +
        'restore a pg_dump instead (constructs/docs/database.md, "Taking and restoring a dump")',
    );
  }
  if (!request.at) throw new RestorePlanUsageError('AT is required: the RFC 3339 time to recover to, e.g. AT=2026-12-07T02:15:00Z');
  const target = parseRfc3339(request.at);
  if (target === undefined) {
    throw new RestorePlanUsageError(
      `AT "${request.at}" is not an RFC 3339 timestamp with a time zone, e.g. 2026-12-07T02:15:00Z or 2026-12-07T03:15:00+01:00`,
    );
  }
  if (target > now.getTime())
    throw new RestorePlanUsageError(`AT "${request.at}" is in the future (now is ${now.toISOString()}): no WAL exists for it yet`);
  if (request.instances && !/^[1-9][0-9]*$/.test(request.instances)) {
    throw new RestorePlanUsageError(`INSTANCES "${request.instances}" is not a whole number >= 1`);
  }
  const instances = request.instances ? Number(request.instances) : undefined;

  const app = new App();
  const chart = new TodoPlatformChart(app, env.name, { env, images: loadImages()[env.name]!, version: PACKAGE_VERSION });
  const source = chart.node.findAll().find((c): c is CloudNativePgDatabase => c instanceof CloudNativePgDatabase)!;
  const clusterName = request.name || defaultClusterName(source.peerName, target);
  const plan = new Chart(app, 'restore', { disableResourceNameHashes: true });
  let recovery: CloudNativePgRecovery;
  try {
    recovery = new CloudNativePgRecovery(plan, 'recovery', {
      source,
      name: clusterName,
      targetTime: request.at,
      now,
      ...(instances ? { instances } : {}),
    });
  } catch (error) {
    // ENV, AT and INSTANCES are checked above; what the construct can still refuse is the NAME typed.
    const refusal = /: invalid name "[^"]*": (.*)$/s.exec((error as Error).message);
    if (!refusal) throw error;
    throw new RestorePlanUsageError(`NAME "${clusterName}": ${refusal[1]}`);
  }
  const objects = plan.toJson() as KubeObject[];
  // Checked next to what is deployed: the namespace's guard rails, the source and its clients.
  const findings = await new HardeningValidation(policyOptionsFor(env)).check([...(chart.toJson() as KubeObject[]), ...objects]);
  if (findings.length > 0) throw new Error(`the restore plan fails the policy:\n  ${findings.map(formatFinding).join('\n  ')}`);
  return { env, clusterName, appSecret: recovery.appSecret.name, objects };
}

/**
 * The plan as one YAML stream, after a comment saying what it is and what to do next. Rendered as
 * dist/ is (toYaml): the target time is quoted, which kubectl's YAML 1.1 parser would otherwise read
 * as a timestamp, not a string.
 */
export function renderPlan(plan: RestorePlan, at: string): string {
  const intro = [
    `# Restore plan for ${plan.env.name} (namespace ${plan.env.namespace}): the database as it was at ${at}.`,
    `# Apply with: kubectl apply -f <this file>  — then follow docs/runbooks/restore.md (verify, switch to Secret ${plan.appSecret}).`,
  ].join('\n');
  return `${intro}\n${plan.objects.map(toYaml).join('---\n')}`;
}

async function main(): Promise<number> {
  const request: RestorePlanRequest = {
    env: process.env['ENV'],
    at: process.env['AT'],
    name: process.env['NAME'],
    instances: process.env['INSTANCES'],
  };
  try {
    process.stdout.write(renderPlan(await restorePlan(request), request.at!));
    return 0;
  } catch (error) {
    console.error(`restore-plan: ${(error as Error).message}`);
    return error instanceof RestorePlanUsageError ? 2 : 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();
