/** ExternalSecretFile and CloudNativePgDatabase: the platform pieces around the workloads. */
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { BARMAN_OBJECT_STORE_KIND, CloudNativePgDatabase, type CloudNativePgDatabaseProps } from '../cloudnative-pg-database.js';
import { ExternalSecretFile, type ExternalSecretFileProps } from '../external-secret-file.js';
import { NamespacePeer } from '../network-peers.js';
import { isAllowed, namespacesOf } from '../network-policy-eval.js';
import { HardeningValidation, formatFinding, type HardeningValidationProps } from '../policy/index.js';
import { expectSnapshot, only, type Manifest } from './support/snapshot.js';

/** The schema findings (K01 invalid, K02 no schema) of a partial set: the other rules need a whole environment. */
async function schemaFindings(objects: readonly unknown[], props: HardeningValidationProps = {}): Promise<string[]> {
  return (await new HardeningValidation(props).check(objects)).filter((f) => f.rule === 'K01' || f.rule === 'K02').map(formatFinding);
}

const IDENTITY = { name: 'todo-api', version: '1.4.2', component: 'api', partOf: 'todo' };
const synth = (build: (chart: ReturnType<typeof Testing.chart>) => void) => {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as Manifest[];
};

describe('ExternalSecretFile', () => {
  const props: ExternalSecretFileProps = {
    identity: IDENTITY,
    namespace: 'todo',
    secretName: 'todo-api-jwt',
    store: { name: 'platform-secrets', kind: 'ClusterSecretStore' },
    keys: [{ secretKey: 'private.pem', remoteKey: 'todo/prod/jwt-signing-key' }],
  };
  const objects = synth((chart) => new ExternalSecretFile(chart, 'jwt', props));

  it('references the store and key, never a value, and makes no Secret itself', async () => {
    const external = only(objects, 'ExternalSecret');
    expect(external.apiVersion).to.equal('external-secrets.io/v1');
    expect(external.spec.secretStoreRef).to.deep.equal({ name: 'platform-secrets', kind: 'ClusterSecretStore' });
    expect(external.spec.target.name).to.equal('todo-api-jwt');
    expect(external.spec.data).to.deep.equal([{ secretKey: 'private.pem', remoteRef: { key: 'todo/prod/jwt-signing-key' } }]);
    expect(external.spec.refreshInterval).to.equal('1h');
    expect(objects.map((o) => o.kind)).to.deep.equal(['ExternalSecret']);
    expect(await schemaFindings(objects)).to.deep.equal([]);
  });

  it('refuses an empty key list and a bad Secret key', () => {
    expect(() => synth((chart) => new ExternalSecretFile(chart, 'jwt', { ...props, keys: [] }))).to.throw(
      'test/jwt: invalid keys []: name at least one key',
    );
    expect(() =>
      synth((chart) => new ExternalSecretFile(chart, 'jwt', { ...props, keys: [{ secretKey: 'a/b', remoteKey: 'k' }] })),
    ).to.throw('test/jwt: invalid keys[].secretKey "a/b": must be a valid Secret key');
  });
});

describe('CloudNativePgDatabase', () => {
  const props: CloudNativePgDatabaseProps = {
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
  const client = { peerName: 'todo-api', namespace: 'todo' };
  const objects = synth((chart) => new CloudNativePgDatabase(chart, 'db', props).allowClient(client));
  const namespaces = namespacesOf(objects);
  const pod = (labels: Record<string, string>, namespace = 'todo') => ({ namespace, labels });
  // The operator labels the instances: `cnpg.io/cluster`, and possibly `app.kubernetes.io/name: postgresql`.
  const db = pod({
    ...only(objects, 'Cluster').spec.inheritedMetadata.labels,
    'app.kubernetes.io/name': 'postgresql',
    'cnpg.io/cluster': 'todo-db',
  });

  it('runs 3 instances with preferred anti-affinity, a PDB, and bootstrap of the app database', () => {
    const cluster = only(objects, 'Cluster');
    expect(cluster.spec.instances).to.equal(3);
    expect(cluster.spec.enablePDB).to.equal(true);
    expect(cluster.spec.affinity).to.deep.equal({
      enablePodAntiAffinity: true,
      podAntiAffinityType: 'preferred',
      topologyKey: 'kubernetes.io/hostname',
    });
    expect(cluster.spec.bootstrap.initdb).to.deep.equal({ database: 'todo', owner: 'todo' });
    expect(cluster.spec, 'runs as 10001, not the operator default 26 (S06)').to.deep.include({ postgresUID: 10001, postgresGID: 10001 });
    expect(cluster.spec.resources).to.deep.equal({
      requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '2Gi' },
    });
  });

  it('archives WAL through the Barman Cloud plugin, not the deprecated in-tree barmanObjectStore', () => {
    const cluster = only(objects, 'Cluster');
    expect(cluster.spec).to.not.have.property('backup');
    expect(cluster.spec).to.not.have.property('monitoring');
    expect(cluster.spec.plugins).to.deep.equal([
      { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'todo-db-backup' } },
    ]);
  });

  it('describes the object store in a Barman Cloud ObjectStore: bucket, credentials by reference, retention, sidecar resources', () => {
    const store = only(objects, 'ObjectStore');
    expect(store.apiVersion).to.equal('barmancloud.cnpg.io/v1');
    expect(store.metadata).to.deep.include({ name: 'todo-db-backup', namespace: 'todo' });
    expect(store.metadata).to.not.have.property('annotations');
    expect(store.spec).to.deep.equal({
      retentionPolicy: '30d',
      configuration: {
        destinationPath: 's3://backups/todo',
        s3Credentials: {
          accessKeyId: { name: 'todo-db-backup-s3', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'todo-db-backup-s3', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'gzip' },
      },
      instanceSidecarConfiguration: {
        resources: {
          requests: { cpu: '50m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
          limits: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '1Gi' },
        },
      },
    });
  });

  it('takes a scheduled base backup with the plugin, the first one immediately', () => {
    expect(only(objects, 'ScheduledBackup').spec).to.deep.equal({
      schedule: '0 0 2 * * *',
      cluster: { name: 'todo-db' },
      backupOwnerReference: 'self',
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      immediate: true,
    });
  });

  it('exposes the operator-made app Secret and the read-write Service for clients', () => {
    const chart = Testing.chart();
    const database = new CloudNativePgDatabase(chart, 'db', props);
    expect(database.appSecret).to.deep.equal({ name: 'todo-db-app', uriKey: 'uri' });
    expect(database.serviceName).to.equal('todo-db-rw');
    expect(database.port).to.equal(5432);
  });

  it("selects the instances by the operator's cnpg.io/cluster label, which it always sets", () => {
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'todo-db')!;
    expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'cnpg.io/cluster': 'todo-db' } });
  });

  it('lets the declared client, the other instances and the operator in; nobody else', () => {
    const allowed = (from: ReturnType<typeof pod>, port: number) => isAllowed(objects, namespaces, from, db, port);
    expect(allowed(pod({ 'app.kubernetes.io/name': 'todo-api' }), 5432)).to.equal(true);
    expect(allowed(pod({ 'app.kubernetes.io/name': 'todo-api' }), 8000)).to.equal(false);
    expect(allowed(db, 5432)).to.equal(true);
    expect(allowed(pod({ 'app.kubernetes.io/name': 'cloudnative-pg' }, 'cnpg-system'), 8000)).to.equal(true);
    expect(allowed(pod({ app: 'something-else' }, 'cnpg-system'), 8000), 'another pod of the operator namespace').to.equal(false);
    expect(allowed(pod({ 'app.kubernetes.io/name': 'frontend' }), 5432)).to.equal(false);
    expect(allowed(pod({ 'app.kubernetes.io/name': 'todo-api' }, 'elsewhere'), 5432)).to.equal(false);
  });

  it("lets a Prometheus scrape the instances' exporter (9187) through a PodMonitor, once; nobody else", () => {
    const prometheus = new NamespacePeer('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    const scraped = synth((chart) => new CloudNativePgDatabase(chart, 'db', props).allowClient(client).scrapeMetrics(prometheus));
    const monitor = only(scraped, 'PodMonitor');
    expect(monitor.apiVersion).to.equal('monitoring.coreos.com/v1');
    expect(monitor.spec).to.deep.equal({
      selector: { matchLabels: { 'cnpg.io/cluster': 'todo-db' } },
      podMetricsEndpoints: [{ port: 'metrics' }],
    });
    const scrapedNamespaces = { ...namespacesOf(scraped), monitoring: {} };
    expect(isAllowed(scraped, scrapedNamespaces, pod({ 'app.kubernetes.io/name': 'prometheus' }, 'monitoring'), db, 9187)).to.equal(true);
    expect(isAllowed(scraped, scrapedNamespaces, pod({ 'app.kubernetes.io/name': 'grafana' }, 'monitoring'), db, 9187)).to.equal(false);
    expect(
      isAllowed(objects, { ...namespaces, monitoring: {} }, pod({ 'app.kubernetes.io/name': 'prometheus' }, 'monitoring'), db, 9187),
      'not without scrapeMetrics',
    ).to.equal(false);
    expect(() =>
      synth((chart) => new CloudNativePgDatabase(chart, 'db', props).scrapeMetrics(prometheus).scrapeMetrics(prometheus)),
    ).to.throw('test/db: scrapeMetrics() was already called');
  });

  it('reaches the API server and the object store only at their configured ranges, never the whole internet', () => {
    const egress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'todo-db')!.spec.egress as {
      to: { ipBlock?: { cidr: string } }[];
      ports: { port: number }[];
    }[];
    const byCidr = new Map<string, number[]>();
    for (const rule of egress) {
      for (const peer of rule.to) {
        if (peer.ipBlock)
          byCidr.set(peer.ipBlock.cidr, [...(byCidr.get(peer.ipBlock.cidr) ?? []), ...rule.ports.map((p) => p.port)].sort());
      }
    }
    expect(Object.fromEntries(byCidr)).to.deep.equal({ '10.0.0.0/28': [443, 6443], '10.20.0.0/24': [443] });
  });

  it('passes the CloudNativePG schemas; the ObjectStore, which has no published schema, only when allow-listed', async () => {
    expect(await schemaFindings(objects, { allowUnknownKinds: [BARMAN_OBJECT_STORE_KIND] })).to.deep.equal([]);
    expect((await schemaFindings(objects)).map((line) => line.split(':')[0] + ' ' + line.split(': ')[1]!.split(' ')[0])).to.deep.equal([
      'ObjectStore/todo/todo-db-backup K02',
    ]);
  });

  it('matches the snapshot', () => expectSnapshot('cloudnative-pg-database', objects));

  for (const [what, override, message] of [
    [
      'a latest image',
      { imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' },
      'invalid imageName "ghcr.io/cloudnative-pg/postgresql:latest": the tag "latest" is not a version (I01)',
    ],
    [
      'an untagged image',
      { imageName: 'ghcr.io/cloudnative-pg/postgresql' },
      'invalid imageName "ghcr.io/cloudnative-pg/postgresql": needs an explicit tag',
    ],
    [
      'no digest where one is required',
      { requireDigest: true },
      'invalid imageName "ghcr.io/cloudnative-pg/postgresql:17.6": this environment requires a digest',
    ],
    [
      'limits below requests',
      { resources: { ...props.resources, limits: { ...props.resources.limits, memory: '512Mi' } } },
      'invalid resources.limits.memory "512Mi": is below the request "1Gi"',
    ],
    [
      'sidecar resources without a cpu limit',
      {
        backup: {
          ...props.backup,
          sidecarResources: { requests: props.resources.requests, limits: { memory: '1Gi', ephemeralStorage: '2Gi' } as never },
        },
      },
      'invalid backup.sidecarResources.limits.cpu undefined: is required',
    ],
    ['zero instances', { instances: 0 }, 'invalid instances 0: must be a whole number >= 1'],
    ['a bad storage size', { storage: '50 GB' }, 'invalid storage "50 GB": must be a quantity'],
    ['a bad database name', { database: 'Todo-DB' }, 'invalid database "Todo-DB": must be a lowercase SQL identifier'],
    [
      'a five-field schedule',
      { backup: { ...props.backup, schedule: '0 2 * * *' } },
      'invalid backup.schedule "0 2 * * *": must be a six-field cron',
    ],
    [
      'the whole internet as the API server',
      { apiServerCidrs: ['0.0.0.0/0'] },
      'invalid apiServerCidrs "0.0.0.0/0": is every address on the internet',
    ],
    ['no object store range', { objectStoreCidrs: [] }, 'invalid objectStoreCidrs []: must name at least one address range'],
    ['a system uid', { runAsIds: { uid: 26, gid: 10001 } }, 'invalid runAsIds.uid 26: must be a whole number >= 10001 (S06)'],
    [
      'a non-S3 destination',
      { backup: { ...props.backup, destinationPath: '/backups' } },
      'invalid backup.destinationPath "/backups": must be an s3:// URL',
    ],
  ] as const) {
    it(`refuses ${what}, naming the construct`, () => {
      expect(() => synth((chart) => new CloudNativePgDatabase(chart, 'db', { ...props, ...override }))).to.throw(`test/db: ${message}`);
    });
  }
});
