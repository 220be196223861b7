import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { BARMAN_OBJECT_STORE_KIND, CloudNativePgDatabase, type CloudNativePgDatabaseProps } from '../cloudnative-pg-database.js';
import { CloudNativePgRecovery, parseRfc3339, type CloudNativePgRecoveryProps } from '../cloudnative-pg-recovery.js';
import { InvalidPropsError } from '../errors.js';
import { NamespacePeer } from '../network-peers.js';
import { isAllowed, namespacesOf } from '../network-policy-eval.js';
import { PlatformNamespace } from '../platform-namespace.js';
import { HardeningValidation, formatFinding } from '../policy/index.js';
import { WebService } from '../web-service.js';
import { only, type Manifest } from './support/snapshot.js';

const SOURCE: CloudNativePgDatabaseProps = {
  identity: { name: 'todo-db', version: '17.6', component: 'database', partOf: 'todo' },
  namespace: 'todo',
  imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6',
  storage: '50Gi',
  database: 'todo',
  resources: {
    requests: { cpu: '500m', memory: '1Gi', ephemeralStorage: '1Gi' },
    limits: { cpu: '2', memory: '1Gi', ephemeralStorage: '2Gi' },
  },
  backup: { schedule: '0 0 2 * * *', destinationPath: 's3://backups/todo', credentialsSecret: 'todo-db-backup-s3' },
  apiServerCidrs: ['10.0.0.0/28'],
  objectStoreCidrs: ['10.20.0.0/24'],
};
const TARGET = '2026-12-07T02:15:00Z';

/** A namespace, the source database, the API that uses it, and the recovery: a whole environment for the policy. */
function environment(recovery: Partial<CloudNativePgRecoveryProps> = {}, source: Partial<CloudNativePgDatabaseProps> = {}) {
  const chart = Testing.chart();
  new PlatformNamespace(chart, 'namespace', { name: 'todo', partOf: 'todo', version: '1.0.0' });
  const database = new CloudNativePgDatabase(chart, 'db', { ...SOURCE, ...source });
  const api = new WebService(chart, 'api', {
    name: 'todo-api',
    namespace: 'todo',
    component: 'api',
    partOf: 'todo',
    image: 'ghcr.io/example/todo-api:1.0.0',
    resources: SOURCE.resources,
    replicas: 2,
    ports: [{ name: 'http', port: 8080 }],
    ingressController: new NamespacePeer('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }),
    database,
  });
  database.allowClient(api);
  const restored = new CloudNativePgRecovery(chart, 'restore', { source: database, name: 'todo-db-pitr', targetTime: TARGET, ...recovery });
  return { chart, database, restored, objects: Testing.synth(chart) as Manifest[] };
}

const ofRecovery = (objects: Manifest[]) => objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'todo-db-pitr');

describe('CloudNativePgRecovery', () => {
  const { objects, database, restored } = environment();
  const cluster = ofRecovery(objects).find((o) => o.kind === 'Cluster')!;
  const source = objects.find((o) => o.kind === 'Cluster' && o.metadata.name === 'todo-db')!;

  it("emits the recovered Cluster, its NetworkPolicy, the clients' egress to it and its daily base backup", () => {
    expect(ofRecovery(objects).map((o) => `${o.kind} ${o.metadata.name}`)).to.deep.equal([
      'Cluster todo-db-pitr',
      'NetworkPolicy todo-db-pitr',
      'NetworkPolicy todo-db-pitr-client-todo-api',
      'ScheduledBackup todo-db-pitr-daily',
    ]);
    expect(cluster.metadata).to.deep.include({ name: 'todo-db-pitr', namespace: 'todo' });
  });

  it("recovers to the target time from the source's folder of its ObjectStore, read through the Barman Cloud plugin", () => {
    expect(cluster.spec.bootstrap).to.deep.equal({
      recovery: { source: 'todo-db', database: 'todo', owner: 'todo', recoveryTarget: { targetTime: TARGET } },
    });
    expect(cluster.spec.externalClusters).to.deep.equal([
      {
        name: 'todo-db',
        plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'todo-db-backup', serverName: 'todo-db' } },
      },
    ]);
  });

  it("archives its own WAL into the same ObjectStore under its own server name, never the source's", () => {
    expect(cluster.spec.plugins).to.deep.equal([
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: { barmanObjectName: 'todo-db-backup', serverName: 'todo-db-pitr' },
      },
    ]);
    expect(only(ofRecovery(objects), 'ScheduledBackup').spec).to.deep.include({
      cluster: { name: 'todo-db-pitr' },
      schedule: '0 0 2 * * *',
      method: 'plugin',
      immediate: true,
    });
  });

  it('runs hardened like the source: same image, uids 10001, resources, instances, storage, spread and archive_timeout', () => {
    const shared = (spec: Record<string, unknown>) => {
      const { bootstrap, externalClusters, plugins, inheritedMetadata, ...rest } = spec;
      return rest;
    };
    expect(shared(cluster.spec)).to.deep.equal(shared(source.spec));
    expect(cluster.spec).to.deep.include({
      postgresUID: 10001,
      postgresGID: 10001,
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6',
    });
    expect(cluster.spec.postgresql.parameters).to.deep.equal({ archive_timeout: '5min' });
    expect(cluster.spec.resources).to.deep.equal({
      requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '2Gi' },
    });
    expect(cluster.spec.inheritedMetadata.labels).to.include({
      'app.kubernetes.io/name': 'todo-db-pitr',
      'app.kubernetes.io/component': 'database',
    });
  });

  it('names the Secret and Service the services switch to', () => {
    expect(restored.appSecret).to.deep.equal({ name: 'todo-db-pitr-app', uriKey: 'uri' });
    expect(restored.serviceName).to.equal('todo-db-pitr-rw');
    expect(restored.podSelectorLabels).to.deep.equal({ 'cnpg.io/cluster': 'todo-db-pitr' });
    expect(database.clients.map((c) => c.peerName)).to.deep.equal(['todo-api']);
  });

  it("lets the source's clients reach the recovered instances on 5432, and nobody else", () => {
    const namespaces = namespacesOf(objects);
    const pod = (labels: Record<string, string>, namespace = 'todo') => ({ namespace, labels });
    // The operator labels the instances; it may set app.kubernetes.io/name to postgresql.
    const instance = pod({
      ...cluster.spec.inheritedMetadata.labels,
      'app.kubernetes.io/name': 'postgresql',
      'cnpg.io/cluster': 'todo-db-pitr',
    });
    const api = pod({ ...only(objects, 'Deployment').spec.template.metadata.labels });
    expect(isAllowed(objects, namespaces, api, instance, 5432)).to.equal(true);
    expect(isAllowed(objects, namespaces, api, instance, 8000)).to.equal(false);
    expect(isAllowed(objects, namespaces, pod({ 'app.kubernetes.io/name': 'frontend' }), instance, 5432)).to.equal(false);
    expect(isAllowed(objects, namespaces, instance, instance, 5432), 'replicas stream from the primary').to.equal(true);
    expect(isAllowed(objects, namespaces, pod({ 'app.kubernetes.io/name': 'cloudnative-pg' }, 'cnpg-system'), instance, 8000)).to.equal(
      true,
    );
  });

  it('passes the policy and the schemas with no waiver, next to the source and its client', async () => {
    const findings = await new HardeningValidation({
      externalNamespaces: ['kube-system', 'ingress-nginx', 'cnpg-system'],
      allowUnknownKinds: [BARMAN_OBJECT_STORE_KIND],
    }).check(objects);
    expect(findings.map(formatFinding)).to.deep.equal([]);
  });

  it('takes fewer instances or other clients when asked', () => {
    const { objects: small } = environment({ instances: 1, clients: [] });
    expect(only(ofRecovery(small), 'Cluster').spec.instances).to.equal(1);
    expect(
      ofRecovery(small)
        .filter((o) => o.kind === 'NetworkPolicy')
        .map((o) => o.metadata.name),
    ).to.deep.equal(['todo-db-pitr']);
  });

  it("carries the source's archive_timeout, which the source checks", () => {
    const { objects: custom } = environment({}, { backup: { ...SOURCE.backup, archiveTimeout: '60s' } });
    expect(
      only(
        custom.filter((o) => o.metadata.name === 'todo-db'),
        'Cluster',
      ).spec.postgresql.parameters.archive_timeout,
    ).to.equal('60s');
    expect(only(ofRecovery(custom), 'Cluster').spec.postgresql.parameters.archive_timeout).to.equal('60s');
    expect(() => environment({}, { backup: { ...SOURCE.backup, archiveTimeout: '5 minutes' } })).to.throw(
      InvalidPropsError,
      'test/db: invalid backup.archiveTimeout "5 minutes": must be a PostgreSQL duration in s, min or h',
    );
  });

  describe('props', () => {
    const refuses = (props: Partial<CloudNativePgRecoveryProps>, message: string) => {
      expect(() => environment(props)).to.throw(InvalidPropsError, `test/restore: invalid ${message}`);
    };
    it("refuses the source's own name and names that are not short DNS labels", () => {
      refuses({ name: 'todo-db' }, 'name "todo-db": is the source cluster\'s name');
      refuses({ name: 'Todo-DB' }, 'name "Todo-DB": must be a DNS-1035 label of at most 40 characters');
      refuses({ name: `r${'x'.repeat(40)}` }, `name "r${'x'.repeat(40)}": must be a DNS-1035 label`);
    });
    for (const bad of [
      '2026-12-07',
      '2026-12-07T02:15:00',
      '2026-12-07 02:15',
      '2026-02-30T00:00:00Z',
      '2026-12-07T24:00:00Z',
      'yesterday',
      '1765073700',
      '2026-12-07T02:15:00+25:00',
    ]) {
      it(`refuses the target time ${JSON.stringify(bad)}`, () => {
        refuses({ targetTime: bad }, `targetTime ${JSON.stringify(bad)}: must be an RFC 3339 timestamp with a time zone`);
      });
    }
    it('refuses a target time after `now`, and accepts one before or at it', () => {
      const now = new Date('2026-12-07T02:14:59Z');
      refuses({ now }, `targetTime "${TARGET}": is in the future (now is 2026-12-07T02:14:59.000Z): no WAL exists for it yet`);
      refuses({ now, targetTime: '2026-12-07T03:15:00+01:00' }, 'targetTime "2026-12-07T03:15:00+01:00": is in the future');
      expect(() => environment({ now: new Date(TARGET) })).to.not.throw();
      expect(() => environment({ now, targetTime: '2026-12-07T03:14:00+01:00' })).to.not.throw();
    });
    it('refuses an invalid `now` and zero instances', () => {
      refuses({ now: new Date('nonsense') }, 'now "Invalid Date": must be a valid date');
      refuses({ instances: 0 }, 'instances 0: must be a whole number >= 1');
    });
  });

  it('parses RFC 3339 with offsets, fractions, a space or lower case, and nothing else', () => {
    expect(parseRfc3339('2026-12-07T03:15:00.5+01:00')).to.equal(Date.parse('2026-12-07T02:15:00.500Z'));
    expect(parseRfc3339('2026-12-07 02:15:00z')).to.equal(Date.parse(TARGET));
    expect(parseRfc3339('2024-02-29T00:00:00Z')).to.equal(Date.UTC(2024, 1, 29));
    expect(parseRfc3339('2025-02-29T00:00:00Z')).to.equal(undefined);
  });
});
