/** `make restore-plan`: the point-in-time recovery manifest of an environment's database, checked, never written. */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { formatFinding, HardeningValidation } from '@todo-platform/hardened-constructs';
import { ENVIRONMENTS } from '../config.js';
import type { KubeObject } from '../output.js';
import { policyOptionsFor } from '../synth.js';
import { defaultClusterName, restorePlan, RestorePlanUsageError, type RestorePlanRequest } from '../tools/restore-plan.js';
import { DIST, readDistObjects } from './support/dist.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const AT = '2026-11-30T23:45:00+01:00';
const prod = ENVIRONMENTS.find((env) => env.name === 'prod')!;

/** Every file under dist/ with its modification time: what "never written into dist/" compares. */
function distSnapshot(dir = DIST): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? distSnapshot(join(dir, entry.name)) : [`${join(dir, entry.name)} ${statSync(join(dir, entry.name)).mtimeMs}`],
  );
}

describe('make restore-plan', function () {
  this.timeout(60_000);

  describe('ENV=prod AT=…', () => {
    let stdout = '';
    let objects: KubeObject[] = [];
    let distBefore: string[] = [];
    before(async () => {
      distBefore = distSnapshot();
      ({ stdout } = await run('make', ['--no-print-directory', 'restore-plan', 'ENV=prod', `AT=${AT}`], { cwd: ROOT }));
      objects = parseAllDocuments(stdout).map((doc) => doc.toJS() as KubeObject);
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
    const cluster = () => objects.find((o) => o.kind === 'Cluster')! as KubeObject & { spec: Record<string, any> };
    const name = 'todo-db-pitr-20261130-2245';

    it('prints the recovery Cluster, its policies and base backups, named after the target minute in UTC', () => {
      expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).to.deep.equal([
        `Cluster ${name}`,
        `NetworkPolicy ${name}`,
        `NetworkPolicy ${name}-client-todo-api`,
        `ScheduledBackup ${name}-daily`,
      ]);
      expect(objects.every((o) => o.metadata.namespace === prod.namespace)).to.equal(true);
      expect(stdout).to.match(
        new RegExp(`^# Restore plan for prod \\(namespace todo\\).*\\n# Apply with: kubectl apply .*Secret ${name}-app`),
      );
    });

    it("recovers prod's database to AT from its object store, sized and hardened as prod's config says", () => {
      const spec = cluster().spec;
      expect(spec.bootstrap.recovery).to.deep.equal({
        source: 'todo-db',
        database: 'todo',
        owner: 'todo',
        recoveryTarget: { targetTime: AT },
      });
      expect(stdout, 'quoted, or kubectl would read a YAML 1.1 timestamp').to.contain(`targetTime: "${AT}"`);
      expect(spec.externalClusters[0].plugin.parameters).to.deep.equal({ barmanObjectName: 'todo-db-backup', serverName: 'todo-db' });
      expect(spec.plugins[0].parameters).to.deep.equal({ barmanObjectName: 'todo-db-backup', serverName: name });
      const database = prod.database as Extract<typeof prod.database, { kind: 'cloudnative-pg' }>;
      expect(spec).to.deep.include({
        instances: database.instances,
        imageName: database.imageName,
        storage: { size: database.storage },
        postgresUID: 10001,
        postgresGID: 10001,
      });
      expect(spec.postgresql.parameters.archive_timeout).to.equal('5min');
      expect(spec.resources.limits).to.deep.equal({
        cpu: prod.resources.cpu.limit,
        memory: prod.resources.memory.limit,
        'ephemeral-storage': prod.resources.ephemeralStorage.limit,
      });
    });

    it("passes the policy and the schemas with synth's options, next to the committed prod objects", async () => {
      const findings = await new HardeningValidation(policyOptionsFor(prod)).check([...readDistObjects('prod'), ...objects]);
      expect(findings.map(formatFinding)).to.deep.equal([]);
    });

    it('writes nothing into dist/', () => {
      expect(distSnapshot()).to.deep.equal(distBefore);
    });
  });

  it('exits 2 naming a bad ENV', async () => {
    const failure = await run('make', ['--no-print-directory', 'restore-plan', 'ENV=qa', `AT=${AT}`], { cwd: ROOT }).then(
      () => expect.fail('make succeeded'),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure.code).to.equal(2);
    expect(failure.stdout).to.equal('');
    expect(failure.stderr).to.contain('restore-plan: ENV "qa" is not an environment: one of dev, staging, prod');
  });

  describe('refuses bad input (exit 2), naming the value', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const refuses = async (request: RestorePlanRequest, message: string) => {
      const error = await restorePlan(request, now).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(RestorePlanUsageError);
      expect((error as Error).message).to.contain(message);
    };
    it('ENV missing, unknown, or without a WAL archive', async () => {
      await refuses({ at: AT }, 'ENV is required: one of dev, staging, prod');
      await refuses({ env: 'Prod', at: AT }, 'ENV "Prod" is not an environment');
      await refuses({ env: 'dev', at: AT }, 'ENV "dev" has database kind "in-cluster": point-in-time recovery needs');
    });
    it('AT missing, not RFC 3339 with a zone, or in the future', async () => {
      await refuses({ env: 'prod' }, 'AT is required');
      for (const at of ['2026-11-30', '2026-11-30T22:45:00', 'last tuesday', '2026-11-31T00:00:00Z']) {
        await refuses({ env: 'prod', at }, `AT "${at}" is not an RFC 3339 timestamp with a time zone`);
      }
      await refuses(
        { env: 'prod', at: '2026-12-01T00:00:01Z' },
        'AT "2026-12-01T00:00:01Z" is in the future (now is 2026-12-01T00:00:00.000Z)',
      );
    });
    it('NAME and INSTANCES', async () => {
      await refuses({ env: 'prod', at: AT, name: 'todo-db' }, 'NAME "todo-db": is the source cluster\'s name');
      await refuses({ env: 'prod', at: AT, name: 'Todo_DB' }, 'NAME "Todo_DB": must be a DNS-1035 label of at most 40 characters');
      await refuses({ env: 'prod', at: AT, instances: '0' }, 'INSTANCES "0" is not a whole number >= 1');
      await refuses({ env: 'prod', at: AT, instances: '2.5' }, 'INSTANCES "2.5" is not a whole number >= 1');
    });
  });

  it('takes NAME and INSTANCES for a smaller side-by-side restore', async () => {
    const plan = await restorePlan({ env: 'staging', at: AT, name: 'todo-db-check', instances: '1' }, new Date('2026-12-01T00:00:00Z'));
    expect(plan.clusterName).to.equal('todo-db-check');
    expect(plan.appSecret).to.equal('todo-db-check-app');
    expect((plan.objects[0] as KubeObject & { spec: { instances: number } }).spec.instances).to.equal(1);
  });

  it('names the default cluster after the target minute in UTC', () => {
    expect(defaultClusterName('todo-db', Date.parse('2026-01-02T03:04:59.9Z'))).to.equal('todo-db-pitr-20260102-0304');
  });
});
