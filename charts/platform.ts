/**
 * The todo platform in one environment: namespace and guard rails, certificate issuer, secrets,
 * database, the three services, and the one public route. Every object passes the hardening
 * policy with no waiver; the construct library makes that the default.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  AcmeClusterIssuer,
  CloudNativePgDatabase,
  Delivery,
  type ContainerResources as WorkloadResources,
  ExternalSecretFile,
  GrafanaDashboard,
  type INetworkPeer,
  NamespacePeer,
  parseImage,
  PlatformAlerts,
  type PlatformAlertsProps,
  PlatformNamespace,
  type PortedPeer,
  PostgresStatefulSet,
  type SecretFileSpec,
  SelfSignedClusterIssuer,
  ServiceLevelObjective,
  TlsIngress,
  WebService,
  type WebServiceProps,
} from '@todo-platform/hardened-constructs';
import { PART_OF, RUNBOOKS_URL, type ContainerResources, type EnvironmentConfig, type EnvironmentImages } from './config.js';
import { SECRETS_DIR, type PlatformService, type ServiceSecret } from './services.js';
import { quotaFor } from './quota.js';
import { dashboardFolder, platformDashboards } from './dashboards/index.js';

/** Where Prometheus runs, allowed to scrape the services' /metrics when observability is on. */
const PROMETHEUS = new NamespacePeer('monitoring', { 'app.kubernetes.io/name': 'prometheus' });

/** What of the database the platform alerts watch: a CloudNativePG cluster's backups, or the pg_dump CronJob. */
type WatchedDatabase = Pick<PlatformAlertsProps, 'cloudNativePg' | 'backupCronJob'>;

export interface TodoPlatformChartProps {
  readonly env: EnvironmentConfig;
  readonly images: EnvironmentImages;
  /** The platform's release version (labels of objects that are not one service's). */
  readonly version: string;
}

function workloadResources(resources: ContainerResources): WorkloadResources {
  return {
    requests: { cpu: resources.cpu.request, memory: resources.memory.request, ephemeralStorage: resources.ephemeralStorage.request },
    limits: { cpu: resources.cpu.limit, memory: resources.memory.limit, ephemeralStorage: resources.ephemeralStorage.limit },
  };
}

/** Refuses a service list whose names repeat or whose `calls` name no service of the list. */
function checkServices(scope: Construct, services: readonly PlatformService[]): void {
  const names = services.map((service) => service.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new Error(`${scope.node.path}: invalid services: "${repeated}" is listed twice`);
  for (const service of services) {
    for (const callee of service.calls ?? []) {
      if (!names.includes(callee))
        throw new Error(
          `${scope.node.path}: invalid services[${service.name}].calls "${callee}": no such service (services: ${names.join(', ')})`,
        );
    }
  }
}

/** The platform of one environment; its id is the environment's name and its output folder. */
export class TodoPlatformChart extends Chart {
  /** The environment's services by name, in the order of its service list. */
  public readonly services: ReadonlyMap<string, WebService>;
  public readonly route: TlsIngress;

  constructor(scope: Construct, id: string, props: TodoPlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { env, images, version } = props;
    checkServices(this, env.services);
    const namespace = env.namespace;
    const ingressController = new NamespacePeer(env.ingressController.namespace, env.ingressController.podLabels);

    new PlatformNamespace(this, 'namespace', {
      name: namespace,
      partOf: PART_OF,
      version,
      quota: quotaFor(env),
      ...(env.issuer.kind === 'acme' ? { acmeSolver: { ingressController } } : {}),
    });

    const issuer =
      env.issuer.kind === 'acme'
        ? new AcmeClusterIssuer(this, 'issuer', {
            name: env.issuer.name,
            partOf: PART_OF,
            version,
            server: env.issuer.server,
            email: env.issuer.email,
            http01:
              env.routeKind === 'gateway-api' && env.gateway
                ? { gateway: { name: env.gateway.name, namespace: env.gateway.namespace } }
                : { ingressClassName: env.ingressClassName },
          })
        : new SelfSignedClusterIssuer(this, 'issuer', { name: env.issuer.name, partOf: PART_OF, version });

    const { database, databaseUrl, watched } = this.database(env, version);
    const services = new Map(
      env.services.map(
        (service) => [service.name, this.service(env, version, service, images, { database, databaseUrl }, ingressController)] as const,
      ),
    );
    for (const service of env.services) {
      for (const callee of service.calls ?? []) services.get(service.name)!.call(services.get(callee)!);
      if (service.usesDatabase) database?.allowClient(services.get(service.name)!);
    }
    this.services = services;

    this.route = new TlsIngress(this, 'route', {
      name: 'todo',
      namespace,
      partOf: PART_OF,
      version,
      clusterIssuer: issuer.issuerName,
      mode: env.routeKind,
      ...(env.routeKind === 'ingress' ? { ingressClassName: env.ingressClassName } : {}),
      ...(env.routeKind === 'gateway-api' && env.gateway ? { gateway: env.gateway } : {}),
      routes: env.services.flatMap((service) =>
        (service.routes ?? []).map((route) => ({
          host: env.host,
          path: route.path,
          backend: services.get(service.name)!.backend,
          ...(route.websocket ? { websocket: true } : {}),
          ...(route.maxBodySize && env.routeKind === 'ingress' ? { maxBodySize: route.maxBodySize } : {}),
        })),
      ),
    });

    if (env.observability.alerts) this.alerts(env, version, services, watched);
    // Dashboards show scraped metrics: only where Prometheus scrapes the services.
    if (env.observability.serviceMonitors) this.dashboards(env, version);
  }

  /** One Grafana dashboard per scraped service and the platform overview, as ConfigMaps for Grafana's sidecar. */
  private dashboards(env: EnvironmentConfig, version: string): void {
    const scope = { env: env.name, namespace: env.namespace };
    for (const { owner, component, dashboard } of platformDashboards(
      scope,
      env.services.filter((s) => s.metrics),
    )) {
      new GrafanaDashboard(this, `${owner}-dashboard`, {
        identity: { name: owner, version, component, partOf: PART_OF },
        namespace: env.namespace,
        dashboard,
        folder: dashboardFolder(scope),
      });
    }
  }

  /** The services' SLOs and the platform's alerts, each linking its runbook under docs/runbooks/. */
  private alerts(env: EnvironmentConfig, version: string, services: ReadonlyMap<string, WebService>, watched: WatchedDatabase): void {
    for (const service of env.services) {
      if (!service.slo) continue;
      new ServiceLevelObjective(this, `${service.name}-slo`, {
        identity: services.get(service.name)!.workload.identity,
        namespace: env.namespace,
        runbookBaseUrl: RUNBOOKS_URL,
        ...service.slo,
      });
    }
    new PlatformAlerts(this, 'platform-alerts', {
      identity: { name: 'platform-alerts', version, component: 'monitoring', partOf: PART_OF },
      namespace: env.namespace,
      runbookBaseUrl: RUNBOOKS_URL,
      ...watched,
    });
  }

  /** One service of the list as a WebService, wired to its database, secrets, callees and (if routed) the ingress controller. */
  private service(
    env: EnvironmentConfig,
    version: string,
    service: PlatformService,
    images: EnvironmentImages,
    { database, databaseUrl }: Pick<ReturnType<TodoPlatformChart['database']>, 'database' | 'databaseUrl'>,
    ingressController: NamespacePeer,
  ): WebService {
    const secretFiles = [
      ...(service.secrets?.(env) ?? []).map((secret) => this.secretFile(env, service, secret, version)),
      ...(service.usesDatabase ? [databaseUrl] : []),
    ];
    const egressToCidrs = [
      ...(service.egressToCidrs?.(env) ?? []),
      ...(service.usesDatabase && env.database.kind === 'external' ? [{ cidr: env.database.cidr, port: env.database.port }] : []),
    ];
    const egressTo = service.egressTo?.(env) ?? [];
    const routed = (service.routes ?? []).length > 0;
    const observed = service.metrics && env.observability.serviceMonitors;
    return new WebService(this, service.name, {
      name: service.name,
      namespace: env.namespace,
      component: service.component,
      partOf: PART_OF,
      image: images[service.name]!,
      requireDigest: env.requireDigests,
      resources: workloadResources(service.resources?.(env) ?? env.resources),
      ...scalingOf(env),
      ports: [{ name: 'http', port: service.port }],
      // Only a routed service lets the ingress controller in; any other is reachable by its callers alone.
      ...(routed ? { ingressController } : {}),
      ...(service.config ? { config: service.config(env) } : {}),
      ...(service.configFiles ? { configFiles: service.configFiles() } : {}),
      ...(secretFiles.length > 0 ? { secretFiles } : {}),
      // The Node services serve Prometheus metrics; the static frontend (nginx) has none to scrape.
      ...(observed ? { metrics: true, scrapedBy: PROMETHEUS } : {}),
      // Without ServiceMonitors here WebService refuses the canary: nothing could judge it.
      ...(service.canary && env.canaryReleases
        ? { delivery: Delivery.canary({ analysis: { ...service.canary, prometheusAddress: env.canaryReleases.prometheusAddress } }) }
        : {}),
      ...(service.usesDatabase && database ? { database } : {}),
      ...(egressToCidrs.length > 0 ? { allowToCidrs: egressToCidrs } : {}),
      ...(egressTo.length > 0
        ? { allowTo: egressTo.map((peer) => ({ to: new NamespacePeer(peer.namespace, peer.podLabels), port: peer.port })) }
        : {}),
    });
  }

  /** One of a service's secrets as a mounted file; from the secret store through an ExternalSecret, or created out of band. */
  private secretFile(env: EnvironmentConfig, service: PlatformService, secret: ServiceSecret, version: string): SecretFileSpec {
    if (env.secrets.kind === 'external-secrets') {
      new ExternalSecretFile(this, `${secret.secretName}-secret`, {
        identity: { name: service.name, version, component: service.component, partOf: PART_OF },
        namespace: env.namespace,
        secretName: secret.secretName,
        store: { name: env.secrets.storeName, kind: env.secrets.storeKind },
        keys: [{ secretKey: secret.key, remoteKey: secret.remoteRef }],
        refreshInterval: env.secrets.refreshInterval,
      });
    }
    return { secretName: secret.secretName, key: secret.key, mountPath: secret.mountPath, envVarForPath: secret.envVarForPath };
  }

  /** The database and the Secret holding its connection string (key `uri`, CloudNativePG's convention). */
  private database(
    env: EnvironmentConfig,
    version: string,
  ): { database?: PortedPeer & { allowClient(client: INetworkPeer): unknown }; databaseUrl: SecretFileSpec; watched: WatchedDatabase } {
    const namespace = env.namespace;
    const identity = { name: 'todo-db', version, component: 'database', partOf: PART_OF };
    const mount = (secretName: string): SecretFileSpec => ({
      secretName,
      key: 'uri',
      mountPath: `${SECRETS_DIR}/database`,
      envVarForPath: 'DATABASE_URL_FILE',
    });
    const resources = workloadResources(env.resources);

    switch (env.database.kind) {
      case 'cloudnative-pg': {
        const database = new CloudNativePgDatabase(this, 'database', {
          // The tag, not the last ':'-part: with a digest that would be the hash, not a valid label value.
          identity: { ...identity, version: parseImage(env.database.imageName).tag ?? version },
          namespace,
          imageName: env.database.imageName,
          requireDigest: env.requireDigests,
          instances: env.database.instances,
          storage: env.database.storage,
          database: 'todo',
          resources,
          backup: {
            schedule: env.database.backupSchedule,
            destinationPath: env.database.backupDestinationPath,
            credentialsSecret: env.database.backupCredentialsSecret,
          },
          apiServerCidrs: env.database.apiServerCidrs,
          objectStoreCidrs: env.database.objectStoreCidrs,
        });
        if (env.secrets.kind === 'external-secrets') {
          new ExternalSecretFile(this, 'database-backup-credentials', {
            identity,
            namespace,
            secretName: env.database.backupCredentialsSecret,
            store: { name: env.secrets.storeName, kind: env.secrets.storeKind },
            keys: [
              { secretKey: 'ACCESS_KEY_ID', remoteKey: env.secrets.backupCredentialsRemoteRef, property: 'accessKeyId' },
              { secretKey: 'ACCESS_SECRET_KEY', remoteKey: env.secrets.backupCredentialsRemoteRef, property: 'secretAccessKey' },
            ],
            refreshInterval: env.secrets.refreshInterval,
          });
        }
        // The WAL-archiving and backup-age alerts read the instances' own exporter.
        if (env.observability.serviceMonitors) database.scrapeMetrics(PROMETHEUS);
        return { database, databaseUrl: mount(database.appSecret.name), watched: { cloudNativePg: { cluster: database.peerName } } };
      }
      case 'in-cluster': {
        const database = new PostgresStatefulSet(this, 'database', {
          name: 'todo-db',
          namespace,
          partOf: PART_OF,
          image: env.database.image,
          storage: env.database.storage,
          database: 'todo',
          passwordSecret: { name: 'todo-db-app', key: 'password' },
          resources,
          backup: { schedule: env.database.backupSchedule, storage: env.database.backupStorage },
          singleNode: env.singleNode,
        });
        return { database, databaseUrl: mount('todo-db-app'), watched: { backupCronJob: database.backup.cronJobName } };
      }
      case 'external': {
        if (env.secrets.kind === 'external-secrets') {
          new ExternalSecretFile(this, 'database-url', {
            identity,
            namespace,
            secretName: 'todo-db-app',
            store: { name: env.secrets.storeName, kind: env.secrets.storeKind },
            keys: [{ secretKey: 'uri', remoteKey: env.secrets.databaseUrlRemoteRef }],
            refreshInterval: env.secrets.refreshInterval,
          });
        }
        return { databaseUrl: mount('todo-db-app'), watched: {} };
      }
    }
  }
}

/** Replica count or autoscaling range, from the environment. */
function scalingOf(env: EnvironmentConfig): Pick<WebServiceProps, 'replicas' | 'autoscaling'> {
  return 'replicas' in env.scaling
    ? { replicas: env.scaling.replicas }
    : {
        autoscaling: {
          minReplicas: env.scaling.minReplicas,
          maxReplicas: env.scaling.maxReplicas,
          targetCpuUtilization: env.scaling.targetCpuUtilization,
        },
      };
}
