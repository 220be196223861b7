import { expect } from 'chai';
import { App, Chart, Testing } from 'cdk8s';
import { InvalidPropsError } from '../errors.js';
import { NamespacePeer } from '../network-peers.js';
import { allowedFlows, namespacesOf } from '../network-policy-eval.js';
import { PlatformNamespace } from '../platform-namespace.js';
import { HardeningValidation, formatFinding } from '../policy/index.js';
import { PostgresStatefulSet } from '../postgres-statefulset.js';
import type { PostgresStatefulSetProps } from '../postgres-statefulset.js';
import { PG_DUMP_SCRIPT } from '../pg-dump-backup.js';
import { WebService } from '../web-service.js';
import type { PortedPeer } from '../web-service.js';
import { only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' },
  limits: { cpu: '250m', memory: '192Mi', ephemeralStorage: '256Mi' },
} as const;

/** The props the platform chart passes (charts/platform.ts). */
const BASE: PostgresStatefulSetProps = {
  name: 'todo-db',
  namespace: 'todo',
  partOf: 'todo-platform',
  image: 'postgres:17.6-trixie',
  storage: '2Gi',
  database: 'todo',
  passwordSecret: { name: 'todo-db-app', key: 'password' },
  resources: RESOURCES,
  backup: { schedule: '17 3 * * *', storage: '2Gi' },
  singleNode: true,
};
const API = { peerName: 'todo-api', namespace: 'todo' };

function synth(overrides: Partial<PostgresStatefulSetProps> = {}): { objects: Manifest[]; db: PostgresStatefulSet } {
  const chart = Testing.chart();
  const db = new PostgresStatefulSet(chart, 'database', { ...BASE, ...overrides });
  db.allowClient(API);
  return { objects: Testing.synth(chart) as Manifest[], db };
}

const named = (objects: Manifest[], kind: string, name: string): Manifest => {
  const matches = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(matches, `${kind} ${name}`).to.have.length(1);
  return matches[0]!;
};
const podSpec = (objects: Manifest[]) => only(objects, 'StatefulSet').spec.template.spec;
const container = (objects: Manifest[]) => podSpec(objects).containers[0];
const backupPod = (objects: Manifest[]) => only(objects, 'CronJob').spec.jobTemplate.spec.template.spec;
const envOf = (c: Manifest): Record<string, string> => Object.fromEntries(c.env.map((e: Manifest) => [e.name, e.value]));

const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  fsGroupChangePolicy: 'OnRootMismatch',
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('PostgresStatefulSet', () => {
  describe('with the platform chart props', () => {
    const { objects, db } = synth();

    it('makes exactly these objects: no PodDisruptionBudget for the single replica', () => {
      expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).to.deep.equal([
        'v1 ServiceAccount todo-db',
        'v1 Service todo-db-headless',
        'v1 Service todo-db',
        'apps/v1 StatefulSet todo-db',
        'networking.k8s.io/v1 NetworkPolicy todo-db',
        'v1 PersistentVolumeClaim todo-db-backup',
        'v1 ServiceAccount todo-db-backup',
        'batch/v1 CronJob todo-db-backup',
        'networking.k8s.io/v1 NetworkPolicy todo-db-backup',
      ]);
    });

    it('puts every object in the namespace with the recommended labels, component database (A08, N07)', () => {
      for (const object of objects) {
        const name = object.metadata.name === 'todo-db-headless' ? 'todo-db' : object.metadata.name;
        expect(object.metadata.namespace, object.kind).to.equal('todo');
        expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).to.deep.equal({
          'app.kubernetes.io/name': name,
          'app.kubernetes.io/instance': name,
          'app.kubernetes.io/version': '17.6-trixie',
          'app.kubernetes.io/component': 'database',
          'app.kubernetes.io/part-of': 'todo-platform',
          'app.kubernetes.io/managed-by': 'cdk8s',
        });
      }
    });

    it('is a PortedPeer on 5432, like CloudNativePgDatabase', () => {
      const peer: PortedPeer = db;
      expect({ peerName: peer.peerName, namespace: peer.namespace, port: peer.port }).to.deep.equal({
        peerName: 'todo-db',
        namespace: 'todo',
        port: 5432,
      });
      expect(db.host).to.equal('todo-db.todo.svc.cluster.local');
    });

    it('runs one replica behind the headless Service, keeping its volume when deleted or scaled', () => {
      const spec = only(objects, 'StatefulSet').spec;
      expect(spec.replicas).to.equal(1);
      expect(spec.serviceName).to.equal('todo-db-headless');
      expect(spec.selector).to.deep.equal({
        matchLabels: { 'app.kubernetes.io/name': 'todo-db', 'app.kubernetes.io/instance': 'todo-db' },
      });
      expect(spec.persistentVolumeClaimRetentionPolicy).to.deep.equal({ whenDeleted: 'Retain', whenScaled: 'Retain' });
      expect(spec.volumeClaimTemplates).to.have.length(1);
      expect(spec.volumeClaimTemplates[0].metadata.name).to.equal('data');
      expect(spec.volumeClaimTemplates[0].spec).to.deep.equal({
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '2Gi' } },
      });
    });

    it('runs as uid/gid 10001 with its own ServiceAccount, no token and restricted contexts (S03-S09, S18)', () => {
      expect(named(objects, 'ServiceAccount', 'todo-db').automountServiceAccountToken).to.equal(false);
      expect(podSpec(objects).serviceAccountName).to.equal('todo-db');
      expect(podSpec(objects).automountServiceAccountToken).to.equal(false);
      expect(podSpec(objects).enableServiceLinks).to.equal(false);
      expect(podSpec(objects).securityContext).to.deep.equal(RESTRICTED_POD);
      expect(container(objects).securityContext).to.deep.equal(RESTRICTED_CONTAINER);
      expect(container(objects).image).to.equal('postgres:17.6-trixie');
      expect(container(objects).imagePullPolicy).to.equal('Always');
    });

    it('keeps PGDATA in a subdirectory of the data volume and makes only size-limited emptyDirs writable (S08)', () => {
      const env = envOf(container(objects));
      const mounts = Object.fromEntries(container(objects).volumeMounts.map((m: Manifest) => [m.mountPath, m]));
      expect(mounts['/var/lib/postgresql/data']).to.deep.equal({ name: 'data', mountPath: '/var/lib/postgresql/data' });
      expect(env.PGDATA).to.equal('/var/lib/postgresql/data/pgdata');
      expect(podSpec(objects).volumes.filter((v: Manifest) => v.emptyDir)).to.deep.equal([
        { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
        { name: 'run', emptyDir: { sizeLimit: '1Mi' } },
      ]);
      expect(mounts['/tmp'].name).to.equal('tmp');
      expect(mounts['/var/run/postgresql'].name).to.equal('run');
    });

    it('gets the password only as a mounted file: POSTGRES_PASSWORD_FILE, no secret env (S19)', () => {
      const c = container(objects);
      expect(envOf(c)).to.deep.equal({
        PGDATA: '/var/lib/postgresql/data/pgdata',
        POSTGRES_USER: 'todo',
        POSTGRES_DB: 'todo',
        POSTGRES_PASSWORD_FILE: '/var/run/secrets/postgres/password',
      });
      expect(c.volumeMounts.find((m: Manifest) => m.name === 'password')).to.deep.equal({
        name: 'password',
        mountPath: '/var/run/secrets/postgres',
        readOnly: true,
      });
      expect(podSpec(objects).volumes.find((v: Manifest) => v.name === 'password')).to.deep.equal({
        name: 'password',
        secret: { secretName: 'todo-db-app', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] },
      });
      for (const pod of [podSpec(objects), backupPod(objects)]) {
        for (const each of pod.containers) {
          expect(each.envFrom, each.name).to.equal(undefined);
          expect(
            each.env.filter((e: Manifest) => e.valueFrom !== undefined),
            each.name,
          ).to.deep.equal([]);
        }
      }
    });

    it('declares the named port 5432 and three probes, liveness differing from readiness (P01-P05)', () => {
      const c = container(objects);
      expect(c.ports).to.deep.equal([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
      const pgIsReady = ['pg_isready', '--host=127.0.0.1', '--port=5432', '--username=todo', '--dbname=todo', '--quiet'];
      expect(c.startupProbe.exec.command).to.deep.equal(pgIsReady);
      expect(c.readinessProbe.exec.command).to.deep.equal(pgIsReady);
      expect(c.livenessProbe).to.deep.include({ tcpSocket: { port: 'postgres' } });
      expect(c.livenessProbe.exec).to.equal(undefined);
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold, 'seconds allowed for initdb').to.equal(300);
    });

    it('shuts PostgreSQL down fast before SIGTERM, within the grace period', () => {
      expect(container(objects).lifecycle.preStop.exec.command).to.deep.equal([
        'pg_ctl',
        'stop',
        '--mode=fast',
        '--wait',
        '--pgdata=/var/lib/postgresql/data/pgdata',
      ]);
      expect(podSpec(objects).terminationGracePeriodSeconds).to.equal(60);
    });

    it('sizes shared_buffers to a quarter of the memory limit and sets cpu, memory and ephemeral-storage (R01, R02)', () => {
      expect(container(objects).args).to.deep.equal(['-c', 'shared_buffers=49152kB']);
      expect(container(objects).resources).to.deep.equal({
        requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
        limits: { cpu: '250m', memory: '192Mi', 'ephemeral-storage': '256Mi' },
      });
    });

    it('spreads over hosts and zones selecting its own pod (A04, A05)', () => {
      const selector = { matchLabels: { 'app.kubernetes.io/name': 'todo-db', 'app.kubernetes.io/instance': 'todo-db' } };
      expect(podSpec(objects).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).to.deep.equal({
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: selector,
      });
      expect(podSpec(objects).topologySpreadConstraints[0]).to.deep.include({
        topologyKey: 'topology.kubernetes.io/zone',
        labelSelector: selector,
      });
    });

    it('has a headless Service for the StatefulSet and a ClusterIP Service todo-db by named targetPort (N01, N02, P04)', () => {
      const port = { name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' };
      const selector = { 'app.kubernetes.io/name': 'todo-db', 'app.kubernetes.io/instance': 'todo-db' };
      expect(named(objects, 'Service', 'todo-db-headless').spec).to.deep.equal({
        type: 'ClusterIP',
        clusterIP: 'None',
        selector,
        ports: [port],
      });
      expect(named(objects, 'Service', 'todo-db').spec).to.deep.equal({ type: 'ClusterIP', selector, ports: [port] });
    });

    it('admits on 5432 only the backup and the declared clients, and sends only DNS (N06)', () => {
      const spec = named(objects, 'NetworkPolicy', 'todo-db').spec;
      expect(spec.podSelector).to.deep.equal({ matchLabels: { 'app.kubernetes.io/name': 'todo-db' } });
      expect(spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
      expect(spec.ingress).to.deep.equal([
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-db-backup' } } }],
          ports: [{ port: 5432, protocol: 'TCP' }],
        },
        { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      ]);
      expect(spec.egress).to.have.length(1);
      expect(spec.egress[0].ports).to.deep.equal([
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ]);
    });
  });

  describe('backup CronJob', () => {
    const { objects } = synth();
    const cronJob = only(objects, 'CronJob');

    it('runs nightly in UTC, one at a time, with bounded retries, run time and history', () => {
      expect(cronJob.spec).to.deep.include({
        schedule: '17 3 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
      });
      expect(cronJob.spec.jobTemplate.spec).to.deep.include({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
      // The history limits bound a CronJob's Jobs; a TTL on them is what kube-linter's job-ttl check refuses.
      expect(cronJob.spec.jobTemplate.spec).not.to.have.property('ttlSecondsAfterFinished');
      expect(backupPod(objects).restartPolicy).to.equal('Never');
    });

    it('runs a hardened pod as its own ServiceAccount, writing to its own claim (S03-S09, S18)', () => {
      const pod = backupPod(objects);
      expect(named(objects, 'ServiceAccount', 'todo-db-backup').automountServiceAccountToken).to.equal(false);
      expect(pod.serviceAccountName).to.equal('todo-db-backup');
      expect(pod.automountServiceAccountToken).to.equal(false);
      expect(pod.securityContext).to.deep.equal(RESTRICTED_POD);
      expect(pod.containers[0].securityContext).to.deep.equal(RESTRICTED_CONTAINER);
      expect(pod.containers[0].resources.limits).to.deep.equal({ cpu: '250m', memory: '192Mi', 'ephemeral-storage': '256Mi' });
      expect(pod.volumes).to.deep.equal([
        { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
        { name: 'password', secret: { secretName: 'todo-db-app', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] } },
        { name: 'backups', persistentVolumeClaim: { claimName: 'todo-db-backup' } },
      ]);
      expect(named(objects, 'PersistentVolumeClaim', 'todo-db-backup').spec).to.deep.equal({
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '2Gi' } },
      });
    });

    it('dumps with pg_dump -Fc, keeps 7, and reads the password file inside the script (no secret env)', () => {
      const c = backupPod(objects).containers[0];
      expect(c.command).to.deep.equal(['/bin/bash', '-c', PG_DUMP_SCRIPT]);
      expect(PG_DUMP_SCRIPT).to.contain('pg_dump --format=custom');
      expect(envOf(c)).to.deep.equal({
        PGHOST: 'todo-db.todo.svc.cluster.local',
        PGPORT: '5432',
        PGUSER: 'todo',
        PGDATABASE: 'todo',
        DB_PASSWORD_FILE: '/var/run/secrets/postgres/password',
        BACKUP_DIR: '/var/lib/backups',
        KEEP_DUMPS: '7',
      });
    });

    it('accepts no connections and may only reach the database on 5432 and DNS (N06)', () => {
      const spec = named(objects, 'NetworkPolicy', 'todo-db-backup').spec;
      expect(spec.podSelector).to.deep.equal({ matchLabels: { 'app.kubernetes.io/name': 'todo-db-backup' } });
      expect(spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
      expect(spec.ingress).to.deep.equal([]);
      expect(spec.egress.map((rule: Manifest) => rule.ports)).to.deep.equal([
        [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
        [{ port: 5432, protocol: 'TCP' }],
      ]);
      expect(spec.egress[1].to).to.deep.equal([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-db' } } }]);
    });

    it('takes keep, time zone and its own resources from the backup prop', () => {
      const own = {
        requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '32Mi' },
        limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
      };
      const { objects: custom } = synth({
        backup: { schedule: '0 2 * * SUN', storage: '5Gi', keep: 4, timeZone: 'Europe/Berlin', resources: own },
      });
      const job = only(custom, 'CronJob');
      expect(job.spec.timeZone).to.equal('Europe/Berlin');
      expect(envOf(backupPod(custom).containers[0]).KEEP_DUMPS).to.equal('4');
      expect(backupPod(custom).containers[0].resources.limits).to.deep.equal({ cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' });
      expect(named(custom, 'PersistentVolumeClaim', 'todo-db-backup').spec.resources.requests.storage).to.equal('5Gi');
    });
  });

  describe('in a namespace with a client workload', () => {
    function platform(): { app: App; objects: Manifest[] } {
      const app = new App({ outdir: '/nonexistent-postgres-statefulset-test' });
      const chart = new Chart(app, 'dev', { disableResourceNameHashes: true });
      new PlatformNamespace(chart, 'namespace', { name: 'todo', partOf: 'todo-platform', version: '1.0.0' });
      const db = new PostgresStatefulSet(chart, 'database', BASE);
      const api = new WebService(chart, 'api', {
        name: 'todo-api',
        namespace: 'todo',
        component: 'api',
        partOf: 'todo-platform',
        image: 'ghcr.io/example/todo-api:1.4.2-3f9c2ab',
        resources: RESOURCES,
        replicas: 1,
        secretFiles: [{ secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE' }],
        database: db,
        ingressController: new NamespacePeer('ingress-nginx'),
      });
      db.allowClient(api);
      return { app, objects: chart.toJson() as Manifest[] };
    }

    it('passes every hardening rule and schema with { singleNode: true }', async () => {
      const { objects } = platform();
      expect(objects.map((o) => o.kind)).to.include.members(['Namespace', 'StatefulSet', 'CronJob', 'Deployment']);
      const findings = await new HardeningValidation({ singleNode: true, externalNamespaces: ['kube-system', 'ingress-nginx'] }).check(
        objects,
      );
      expect(findings.map(formatFinding)).to.deep.equal([]);
    });

    it('is refused by the policy without singleNode (A01): a lone StatefulSet is not HA', async () => {
      const findings = await new HardeningValidation({ externalNamespaces: ['kube-system', 'ingress-nginx'] }).check(platform().objects);
      expect(findings.map(formatFinding)).to.include('StatefulSet/todo/todo-db: A01 replicas is 1 without an HPA, expected >= 2');
    });

    it("lets exactly api -> db and backup -> db through, checked against the pods' own labels", () => {
      const { objects } = platform();
      const labels = (kind: string) => {
        const o = only(objects, kind);
        return kind === 'CronJob' ? o.spec.jobTemplate.spec.template.metadata.labels : o.spec.template.metadata.labels;
      };
      const pod = (kind: string, ports: Array<{ name: string; port: number }> = []) => ({ namespace: 'todo', labels: labels(kind), ports });
      const endpoints = [
        { name: 'api', endpoint: pod('Deployment', [{ name: 'http', port: 8080 }]) },
        { name: 'db', endpoint: pod('StatefulSet', [{ name: 'postgres', port: 5432 }]) },
        { name: 'backup', endpoint: pod('CronJob') },
        { name: 'stranger', endpoint: { namespace: 'todo', labels: { 'app.kubernetes.io/name': 'debug' } } },
      ];
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      expect(allowedFlows(policies, namespacesOf(objects), endpoints, [5432, 8080])).to.deep.equal(['api -> db:5432', 'backup -> db:5432']);
    });
  });

  describe('props are validated first, naming the path, the prop and the value', () => {
    const invalid = (overrides: Partial<PostgresStatefulSetProps>, message: string) => {
      expect(() => synth(overrides)).to.throw(InvalidPropsError, `test/database: invalid ${message}`);
    };

    it('refuses singleNode false: replicated environments use CloudNativePgDatabase', () => {
      invalid(
        { singleNode: false },
        'singleNode false: a single PostgreSQL pod is not highly available; use CloudNativePgDatabase for replicated environments',
      );
    });
    it('refuses an image without a tag, with latest, or with a malformed digest (I01, I02)', () => {
      invalid({ image: 'postgres' }, 'image "postgres": needs an explicit tag');
      invalid({ image: 'postgres:latest' }, 'image "postgres:latest": the tag "latest" is not a version (I01)');
      invalid(
        { image: 'postgres:17.6@sha256:abc' },
        'image "postgres:17.6@sha256:abc": the digest must be "sha256:" followed by 64 hex digits',
      );
      invalid({ requireDigest: true }, 'image "postgres:17.6-trixie": this environment requires a digest');
    });
    it('refuses bad storage quantities', () => {
      invalid({ storage: '2 GB' }, 'storage "2 GB": must be a positive Kubernetes quantity such as "2Gi"');
      invalid({ backup: { ...BASE.backup, storage: '0' } }, 'backup.storage "0": must be a positive Kubernetes quantity');
    });
    it('refuses a cron schedule that is not five valid fields', () => {
      invalid(
        { backup: { ...BASE.backup, schedule: '17 3 * *' } },
        'backup.schedule "17 3 * *": must have five fields (minute hour day-of-month month day-of-week), got 4',
      );
      invalid({ backup: { ...BASE.backup, schedule: '@daily' } }, 'backup.schedule "@daily": must have five fields');
      invalid(
        { backup: { ...BASE.backup, schedule: '60 3 * * *' } },
        'backup.schedule "60 3 * * *": the minute field "60" is not valid (0-59',
      );
      invalid(
        { backup: { ...BASE.backup, schedule: '0 3 * * FUNDAY' } },
        'backup.schedule "0 3 * * FUNDAY": the day of week field "FUNDAY" is not valid (0-7',
      );
      invalid(
        { backup: { ...BASE.backup, schedule: '*/0 3 * * *' } },
        'backup.schedule "*/0 3 * * *": the minute field "*/0" is not valid',
      );
    });
    it('refuses a bad password Secret name or key', () => {
      invalid(
        { passwordSecret: { name: 'Todo_DB', key: 'password' } },
        'passwordSecret.name "Todo_DB": must be a Secret name (DNS-1123 subdomain)',
      );
      invalid({ passwordSecret: { name: 'todo-db-app', key: 'pass word' } }, 'passwordSecret.key "pass word": must be a Secret key');
    });
    it('refuses bad names, namespaces, database and role names', () => {
      invalid({ name: 'Todo-DB' }, 'name "Todo-DB": must be a DNS-1035 label of at most 45 characters');
      invalid({ name: 'd'.repeat(46) }, `name "${'d'.repeat(46)}": must be a DNS-1035 label of at most 45 characters`);
      invalid({ namespace: 'default' }, 'namespace "default": objects never go to the default namespace (N07)');
      invalid({ namespace: 'kube-system' }, 'namespace "kube-system": workloads never go in a kube-* namespace (N07)');
      invalid({ database: 'todo-app' }, 'database "todo-app": must be a lowercase SQL identifier');
      invalid({ user: 'pg_todo' }, 'user "pg_todo": must be a lowercase SQL identifier not starting with "pg_" (reserved)');
      invalid({ partOf: '' }, 'partOf "": must be a non-empty label value');
    });
    it('refuses bad resources, too little memory and scratch that does not fit (R01, R02, S08)', () => {
      invalid(
        { resources: { ...RESOURCES, limits: { ...RESOURCES.limits, cpu: '10m' } } },
        'resources.limits.cpu "10m": is below the request "50m"',
      );
      invalid(
        { resources: { requests: RESOURCES.requests, limits: { ...RESOURCES.limits, memory: '100Mi' } } },
        'resources.limits.memory "100Mi": PostgreSQL needs a memory limit of at least 128Mi',
      );
      invalid(
        {
          resources: {
            requests: { ...RESOURCES.requests, ephemeralStorage: '8Mi' },
            limits: { ...RESOURCES.limits, ephemeralStorage: '16Mi' },
          },
        },
        'resources.limits.ephemeralStorage "16Mi": is smaller than the emptyDir size limits it must hold',
      );
      invalid({ sharedBuffers: '48 MB' }, 'sharedBuffers "48 MB": must be a PostgreSQL memory setting such as "128MB"');
    });
    it('refuses a bad backup time zone, keep or resources', () => {
      invalid({ backup: { ...BASE.backup, timeZone: 'Mars/Olympus' } }, 'backup.timeZone "Mars/Olympus": is not an IANA time zone');
      invalid({ backup: { ...BASE.backup, keep: 0 } }, 'backup.keep 0: must be an integer from 1 to 100');
      invalid(
        { backup: { ...BASE.backup, resources: { ...RESOURCES, requests: { ...RESOURCES.requests, cpu: 'lots' } } } },
        'backup.resources.requests.cpu "lots": must be a positive Kubernetes quantity',
      );
    });
    it('fails synth when no client may connect (a forgotten allowClient)', () => {
      const chart = Testing.chart();
      new PostgresStatefulSet(chart, 'database', BASE);
      expect(() => Testing.synth(chart)).to.throw(
        InvalidPropsError,
        'test/database: invalid clients []: no workload may connect: call allowClient(<the API>) or pass clients',
      );
    });
    it('accepts clients as a prop as well as through allowClient()', () => {
      const chart = Testing.chart();
      new PostgresStatefulSet(chart, 'database', { ...BASE, clients: [API] });
      const policy = (Testing.synth(chart) as Manifest[]).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'todo-db')!;
      expect(policy.spec.ingress.map((rule: Manifest) => rule.from[0].podSelector.matchLabels['app.kubernetes.io/name'])).to.deep.equal([
        'todo-db-backup',
        'todo-api',
      ]);
    });
  });
});
