/**
 * The todo platform in one environment: namespace and guard rails, certificate issuer, secrets,
 * database, the three services, and the one public route. Every object passes the hardening
 * policy with no waiver; the construct library makes that the default.
 */
import { readFileSync } from 'node:fs';
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  AcmeClusterIssuer,
  CloudNativePgDatabase,
  type ContainerResources as WorkloadResources,
  ExternalSecretFile,
  type INetworkPeer,
  NamespacePeer,
  parseImage,
  PlatformNamespace,
  type PortedPeer,
  PostgresStatefulSet,
  type SecretFileSpec,
  SelfSignedClusterIssuer,
  SloAlerts,
  TlsIngress,
  WebService,
  type WebServiceProps,
} from '@todo-platform/hardened-constructs';
import { PART_OF, type ContainerResources, type EnvironmentConfig, type EnvironmentImages } from './config.js';
import { quotaFor } from './quota.js';

/** The frontend's nginx server block: the same file the image ships, so the app and its CSP never drift apart. */
export const FRONTEND_NGINX_CONF = new URL('../services/frontend/nginx/default.conf', import.meta.url);

/** Where Prometheus runs, allowed to scrape the services' /metrics when observability is on. */
const PROMETHEUS = new NamespacePeer('monitoring', { 'app.kubernetes.io/name': 'prometheus' });

const SECRETS_DIR = '/var/run/secrets/todo';
/** todo-api, chat-gateway and frontend: what the namespace quota is sized for. */
const SERVICE_COUNT = 3;

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

/** The platform of one environment; its id is the environment's name and its output folder. */
export class TodoPlatformChart extends Chart {
  public readonly todoApi: WebService;
  public readonly chatGateway: WebService;
  public readonly frontend: WebService;
  public readonly route: TlsIngress;

  constructor(scope: Construct, id: string, props: TodoPlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { env, images, version } = props;
    const namespace = env.namespace;
    const ingressController = new NamespacePeer(env.ingressController.namespace, env.ingressController.podLabels);

    new PlatformNamespace(this, 'namespace', {
      name: namespace,
      partOf: PART_OF,
      version,
      quota: quotaFor(env, SERVICE_COUNT),
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

    const jwtSecret = this.jwtSigningKey(env, version);
    const { database, databaseUrl } = this.database(env, version);

    // The Node services serve Prometheus metrics; the static frontend (nginx) has none to scrape.
    const scraped = env.observability.serviceMonitors ? { metrics: true, scrapedBy: PROMETHEUS } : {};
    const scaling: Pick<WebServiceProps, 'replicas' | 'autoscaling'> =
      'replicas' in env.scaling
        ? { replicas: env.scaling.replicas }
        : {
            autoscaling: {
              minReplicas: env.scaling.minReplicas,
              maxReplicas: env.scaling.maxReplicas,
              targetCpuUtilization: env.scaling.targetCpuUtilization,
            },
          };
    const common = {
      namespace,
      partOf: PART_OF,
      requireDigest: env.requireDigests,
      resources: workloadResources(env.resources),
      ingressController,
      ...scaling,
    };
    const origin = `https://${env.host}`;

    this.todoApi = new WebService(this, 'todo-api', {
      ...common,
      name: 'todo-api',
      component: 'api',
      image: images['todo-api'],
      ports: [{ name: 'http', port: 8080 }],
      config: {
        PORT: '8080',
        LOG_LEVEL: env.logLevel,
        ALLOWED_ORIGINS: origin,
        // Client addresses come from the ingress controller's X-Forwarded-For (rate limits are per client).
        TRUST_PROXY: 'true',
      },
      secretFiles: [jwtSecret, databaseUrl],
      ...scraped,
      ...(database ? { database } : {}),
      ...(env.database.kind === 'external'
        ? { allowToCidrs: [{ cidr: env.database.cidr, port: env.database.port }] }
        : {}),
    });

    this.chatGateway = new WebService(this, 'chat-gateway', {
      ...common,
      name: 'chat-gateway',
      component: 'chat',
      image: images['chat-gateway'],
      ports: [{ name: 'http', port: 8081 }],
      config: {
        PORT: '8081',
        LOG_LEVEL: env.logLevel,
        ALLOWED_ORIGINS: origin,
        TODO_API_URL: `http://todo-api.${namespace}.svc.cluster.local`,
      },
      calls: [this.todoApi],
      ...scraped,
    });
    database?.allowClient(this.todoApi);

    this.frontend = new WebService(this, 'frontend', {
      ...common,
      name: 'frontend',
      component: 'frontend',
      image: images.frontend,
      ports: [{ name: 'http', port: 8080 }],
      configFiles: { mountPath: '/etc/nginx/conf.d', files: { 'default.conf': readFileSync(FRONTEND_NGINX_CONF, 'utf8') } },
    });

    this.route = new TlsIngress(this, 'route', {
      name: 'todo',
      namespace,
      partOf: PART_OF,
      version,
      clusterIssuer: issuer.issuerName,
      mode: env.routeKind,
      ...(env.routeKind === 'ingress' ? { ingressClassName: env.ingressClassName } : {}),
      ...(env.routeKind === 'gateway-api' && env.gateway ? { gateway: env.gateway } : {}),
      routes: [
        { host: env.host, path: '/', backend: this.frontend.backend },
        // The API refuses bodies over 64 KiB itself; ingress-nginx refuses them before they cost anything
        // (Gateway API has no portable body-size field: there the API's own limit is the only one).
        { host: env.host, path: '/api', backend: this.todoApi.backend, ...(env.routeKind === 'ingress' ? { maxBodySize: '64k' } : {}) },
        { host: env.host, path: '/.well-known', backend: this.todoApi.backend },
        { host: env.host, path: '/ws', backend: this.chatGateway.backend, websocket: true },
      ],
    });

    if (env.observability.alerts) {
      new SloAlerts(this, 'todo-api-slo', { identity: this.todoApi.workload.identity, namespace });
    }
  }

  /** The JWT signing key Secret, mounted as a file; from the secret store, or created out of band. */
  private jwtSigningKey(env: EnvironmentConfig, version: string): SecretFileSpec {
    const secretName = 'todo-api-jwt';
    if (env.secrets.kind === 'external-secrets') {
      new ExternalSecretFile(this, 'jwt-secret', {
        identity: { name: 'todo-api', version, component: 'api', partOf: PART_OF },
        namespace: env.namespace,
        secretName,
        store: { name: env.secrets.storeName, kind: env.secrets.storeKind },
        keys: [{ secretKey: 'private.pem', remoteKey: env.secrets.jwtKeyRemoteRef }],
        refreshInterval: env.secrets.refreshInterval,
      });
    }
    return { secretName, key: 'private.pem', mountPath: `${SECRETS_DIR}/jwt`, envVarForPath: 'JWT_PRIVATE_KEY_FILE' };
  }

  /** The database and the Secret holding its connection string (key `uri`, CloudNativePG's convention). */
  private database(
    env: EnvironmentConfig,
    version: string,
  ): { database?: PortedPeer & { allowClient(client: INetworkPeer): unknown }; databaseUrl: SecretFileSpec } {
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
        return { database, databaseUrl: mount(database.appSecret.name) };
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
        return { database, databaseUrl: mount('todo-db-app') };
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
        return { databaseUrl: mount('todo-db-app') };
      }
    }
  }
}
