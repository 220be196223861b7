/**
 * Typed configuration of the environments the platform is synthesized for. Each environment
 * becomes one folder, `dist/<name>/`, that Argo CD syncs. Image references live apart, in
 * `images.json`, because the release workflow rewrites them on every release.
 */
import { readFileSync } from 'node:fs';
import { TODO_SERVICES, type PlatformService } from './services.js';

/** A resource request and limit pair, as Kubernetes quantity strings. */
export interface RequestLimit {
  readonly request: string;
  readonly limit: string;
}

/** The cpu, memory and ephemeral-storage budget of one container. */
export interface ContainerResources {
  readonly cpu: RequestLimit;
  readonly memory: RequestLimit;
  readonly ephemeralStorage: RequestLimit;
}

/** How many pods a workload runs: a fixed count, or an autoscaling/v2 range on cpu. */
export type Scaling =
  { readonly replicas: number } | { readonly minReplicas: number; readonly maxReplicas: number; readonly targetCpuUtilization: number };

/** Where TLS certificates come from. */
export type IssuerConfig =
  /** A self-signed ClusterIssuer: works on minikube and kind, where no ACME server can reach the cluster. */
  | { readonly kind: 'self-signed'; readonly name: string }
  /** Let's Encrypt over ACME http01, solved through the ingress class. */
  | { readonly kind: 'acme'; readonly name: string; readonly server: 'staging' | 'production'; readonly email: string };

/** Which database the todo-api uses. Every variant hands the API a connection string as a mounted file. */
export type DatabaseConfig =
  /** A single PostgreSQL StatefulSet with a PVC and a nightly pg_dump CronJob: cheap, for dev. */
  | {
      readonly kind: 'in-cluster';
      readonly image: string;
      readonly storage: string;
      readonly backupSchedule: string;
      readonly backupStorage: string;
    }
  /** A CloudNativePG `Cluster` (operator-managed failover) with a `ScheduledBackup`. */
  | {
      readonly kind: 'cloudnative-pg';
      readonly imageName: string;
      readonly instances: number;
      readonly storage: string;
      readonly backupSchedule: string;
      readonly backupDestinationPath: string;
      readonly backupCredentialsSecret: string;
      /**
       * The Kubernetes API server's addresses (the instance manager watches its Cluster on 443/6443)
       * and the backup object store's (443): the database's only egress besides DNS and its peers.
       */
      readonly apiServerCidrs: readonly string[];
      readonly objectStoreCidrs: readonly string[];
    }
  /** A database run elsewhere; its connection string is in an existing Secret; egress to its CIDR only. */
  | { readonly kind: 'external'; readonly cidr: string; readonly port: number };

/** Where secret material (JWT signing key, database URL) comes from. Never from `dist/`. */
export type SecretsConfig =
  /** Secrets created out of band (`kubectl create secret …`); the manifests only reference them. */
  | { readonly kind: 'existing' }
  /** external-secrets.io `ExternalSecret`s that materialize the Secrets from a secret store. */
  | {
      readonly kind: 'external-secrets';
      readonly storeName: string;
      readonly storeKind: 'SecretStore' | 'ClusterSecretStore';
      /** The key of the JWT signing key in the store. */
      readonly jwtKeyRemoteRef: string;
      /** The key of the database connection string in the store (unused with CloudNativePG, which makes its own). */
      readonly databaseUrlRemoteRef: string;
      /** The key of the backup object store's credentials (a JSON value with accessKeyId and secretAccessKey). */
      readonly backupCredentialsRemoteRef: string;
      readonly refreshInterval: string;
    };

/**
 * An OpenAI-compatible chat-completions endpoint for the chat gateway's LLM engine; without one the
 * gateway understands people with its rules alone.
 */
export interface AssistantModelConfig {
  /** The API root, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  /** The API key's key in the environment's secret store (an ExternalSecret mounts it); none for an endpoint without keys. */
  readonly apiKeyRemoteRef?: string;
  /** The endpoint's address ranges: the gateway's only egress besides the API and DNS (port 443). */
  readonly endpointCidrs: readonly string[];
  /** @default 4000 - the gateway falls back to its rules after this long */
  readonly timeoutMs?: number;
}

/** Where the Node services send their traces (OpenTelemetry, OTLP/HTTP) and how many they keep. */
export interface TracingConfig {
  /** The collector's OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly endpoint: string;
  /** The collector's pods: the services' only added egress. */
  readonly collector: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>>; readonly port: number };
  /** Share of new traces kept (OTEL_TRACES_SAMPLER_ARG; a caller's sampled flag wins: parentbased). */
  readonly sampleRatio: number;
}

/** The OpenTelemetry Collector of the clusters' `monitoring` namespace (its chart's default labels). */
const OTEL_COLLECTOR: TracingConfig['collector'] = {
  namespace: 'monitoring',
  podLabels: { 'app.kubernetes.io/name': 'opentelemetry-collector' },
  port: 4318,
};
const OTEL_ENDPOINT = 'http://otel-collector.monitoring.svc.cluster.local:4318';

/** One environment the platform is synthesized for. */
export interface EnvironmentConfig {
  /** The folder under dist/ and the Argo CD application suffix. */
  readonly name: string;
  /** The namespace every platform object lives in. */
  readonly namespace: string;
  /** The public host name of the platform's single route. */
  readonly host: string;
  /** The services deployed here (charts/services.ts): everything per service derives from this list. */
  readonly services: readonly PlatformService[];
  /**
   * A single-node cluster (minikube, kind): one replica is allowed and no disruption budget is
   * made, since there is nowhere to reschedule to.
   */
  readonly singleNode: boolean;
  /** Replica count or autoscaling range for each stateless service. */
  readonly scaling: Scaling;
  /** Container resources for the application services. */
  readonly resources: ContainerResources;
  /** Route kind: ingress-nginx Ingress, or Gateway API HTTPRoute for clusters that left ingress-nginx. */
  readonly routeKind: 'ingress' | 'gateway-api';
  /** Ingress class (ingress mode) and the class solving ACME http01 challenges. */
  readonly ingressClassName: string;
  /** The namespace and pod labels of the ingress controller (or gateway) pods, the only source of external traffic. */
  readonly ingressController: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** The Gateway that HTTPRoutes attach to, in gateway-api mode. */
  readonly gateway?: { readonly name: string; readonly namespace: string; readonly sectionName: string };
  readonly issuer: IssuerConfig;
  readonly database: DatabaseConfig;
  readonly secrets: SecretsConfig;
  /** Fail synth when an image has no `@sha256:` digest. The release workflow writes digests. */
  readonly requireDigests: boolean;
  /**
   * ServiceMonitors for /metrics, and PrometheusRules with the services' SLOs and the platform alerts
   * (both need the Prometheus Operator).
   */
  readonly observability: { readonly serviceMonitors: boolean; readonly alerts: boolean };
  /**
   * Canary releases (Argo Rollouts) for the services with a `canary` analysis, judged on this Prometheus;
   * absent: rolling updates. Needs the Argo Rollouts controller and `observability.serviceMonitors`.
   */
  readonly canaryReleases?: { readonly prometheusAddress: string };
  /** Argo CD: sync automatically on every commit (dev), or wait for a person (staging, prod). */
  readonly autoSync: boolean;
  /** Log level of the services. */
  readonly logLevel: 'debug' | 'info' | 'warn';
  /** The chat gateway's LLM engine. Off (rules only) when absent, as in every environment today. */
  readonly assistantModel?: AssistantModelConfig;
  /** Tracing of the Node services; off (no exporter, no SDK loaded) when absent. */
  readonly tracing?: TracingConfig;
}

/** Where Argo CD reads the rendered manifests from. */
export interface GitOpsConfig {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** The Argo CD namespace (where Application objects live). */
  readonly argocdNamespace: string;
  readonly project: string;
}

/** The images of one environment by service name, as written by the release workflow. */
export type EnvironmentImages = Readonly<Record<string, string>>;

export const PART_OF = 'todo-platform';

export const GITOPS: GitOpsConfig = {
  repoURL: 'https://github.com/example-org/todo-platform.git',
  targetRevision: 'main',
  argocdNamespace: 'argocd',
  project: 'todo-platform',
};

/**
 * Where every alert's runbook_url points: docs/runbooks/ of this repository on the branch Argo CD
 * syncs, as GitHub shows it (`<repo>/blob/<revision>/docs/runbooks/<alert-name>.md`).
 */
export const RUNBOOKS_URL = `${GITOPS.repoURL.replace(/\.git$/, '')}/blob/${GITOPS.targetRevision}/docs/runbooks`;

const SMALL: ContainerResources = {
  cpu: { request: '50m', limit: '250m' },
  memory: { request: '64Mi', limit: '192Mi' },
  ephemeralStorage: { request: '64Mi', limit: '256Mi' },
};

const PRODUCTION: ContainerResources = {
  cpu: { request: '250m', limit: '1' },
  memory: { request: '256Mi', limit: '512Mi' },
  ephemeralStorage: { request: '128Mi', limit: '512Mi' },
};

const INGRESS_NGINX = {
  namespace: 'ingress-nginx',
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

export const ENVIRONMENTS: readonly EnvironmentConfig[] = [
  {
    name: 'dev',
    namespace: 'todo-dev',
    host: 'todo.localtest.me',
    services: TODO_SERVICES,
    singleNode: true,
    scaling: { replicas: 1 },
    resources: SMALL,
    routeKind: 'ingress',
    ingressClassName: 'nginx',
    ingressController: INGRESS_NGINX,
    issuer: { kind: 'self-signed', name: 'todo-selfsigned' },
    database: {
      kind: 'in-cluster',
      image: 'postgres:17.6-trixie',
      storage: '2Gi',
      backupSchedule: '17 3 * * *',
      backupStorage: '2Gi',
    },
    secrets: { kind: 'existing' },
    requireDigests: false,
    observability: { serviceMonitors: false, alerts: false },
    autoSync: true,
    logLevel: 'debug',
  },
  {
    name: 'staging',
    namespace: 'todo-staging',
    host: 'staging.todo-platform.dev',
    services: TODO_SERVICES,
    singleNode: false,
    scaling: { replicas: 2 },
    resources: SMALL,
    routeKind: 'gateway-api',
    ingressClassName: 'nginx',
    ingressController: {
      namespace: 'gateway-system',
      podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
    },
    gateway: { name: 'public', namespace: 'gateway-system', sectionName: 'https' },
    issuer: { kind: 'acme', name: 'letsencrypt-staging', server: 'staging', email: 'platform-team@todo-platform.dev' },
    database: {
      kind: 'cloudnative-pg',
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6',
      instances: 2,
      storage: '10Gi',
      backupSchedule: '0 0 2 * * *',
      backupDestinationPath: 's3://example-todo-backups/staging',
      backupCredentialsSecret: 'todo-db-backup-s3',
      // The staging cluster's control-plane subnet and its object store's VPC endpoint subnet.
      apiServerCidrs: ['10.10.0.0/28'],
      objectStoreCidrs: ['10.10.8.0/24'],
    },
    secrets: {
      kind: 'external-secrets',
      storeName: 'platform-secrets',
      storeKind: 'ClusterSecretStore',
      jwtKeyRemoteRef: 'todo/staging/jwt-signing-key',
      databaseUrlRemoteRef: 'todo/staging/database-url',
      backupCredentialsRemoteRef: 'todo/staging/db-backup-s3',
      refreshInterval: '1h',
    },
    requireDigests: false,
    observability: { serviceMonitors: true, alerts: true },
    autoSync: false,
    logLevel: 'info',
    tracing: { endpoint: OTEL_ENDPOINT, collector: OTEL_COLLECTOR, sampleRatio: 1 },
  },
  {
    name: 'prod',
    namespace: 'todo',
    host: 'app.todo-platform.dev',
    services: TODO_SERVICES,
    singleNode: false,
    scaling: { minReplicas: 3, maxReplicas: 10, targetCpuUtilization: 70 },
    resources: PRODUCTION,
    routeKind: 'ingress',
    ingressClassName: 'nginx',
    ingressController: INGRESS_NGINX,
    issuer: { kind: 'acme', name: 'letsencrypt-production', server: 'production', email: 'platform-team@todo-platform.dev' },
    database: {
      kind: 'cloudnative-pg',
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6',
      instances: 3,
      storage: '50Gi',
      backupSchedule: '0 0 2 * * *',
      backupDestinationPath: 's3://example-todo-backups/prod',
      backupCredentialsSecret: 'todo-db-backup-s3',
      // The production cluster's control-plane subnet and its object store's VPC endpoint subnet.
      apiServerCidrs: ['10.20.0.0/28'],
      objectStoreCidrs: ['10.20.8.0/24'],
    },
    secrets: {
      kind: 'external-secrets',
      storeName: 'platform-secrets',
      storeKind: 'ClusterSecretStore',
      jwtKeyRemoteRef: 'todo/prod/jwt-signing-key',
      databaseUrlRemoteRef: 'todo/prod/database-url',
      backupCredentialsRemoteRef: 'todo/prod/db-backup-s3',
      refreshInterval: '1h',
    },
    requireDigests: false,
    observability: { serviceMonitors: true, alerts: true },
    canaryReleases: { prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090' },
    autoSync: false,
    logLevel: 'info',
    tracing: { endpoint: OTEL_ENDPOINT, collector: OTEL_COLLECTOR, sampleRatio: 0.1 },
  },
];

/** The path of the image references file, which the release workflow rewrites. */
export const IMAGES_FILE = new URL('./images.json', import.meta.url);

/**
 * Reads every environment's image references; fails naming the environment and the service that has
 * none, and an image for a service the environment does not run (a stale entry after a removal).
 * `TODO_PLATFORM_IMAGES_FILE` points at another file (a local override, or a test's bad input).
 */
export function loadImages(
  file: URL | string = process.env['TODO_PLATFORM_IMAGES_FILE'] ?? IMAGES_FILE,
  environments: readonly EnvironmentConfig[] = ENVIRONMENTS,
): Readonly<Record<string, EnvironmentImages>> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, EnvironmentImages>;
  for (const env of environments) {
    const images = parsed[env.name] ?? {};
    const services = env.services.map((service) => service.name);
    for (const service of services) {
      if (typeof images[service] !== 'string') throw new Error(`${String(file)}: environment "${env.name}" has no image for "${service}"`);
    }
    for (const service of Object.keys(images)) {
      if (!services.includes(service)) {
        throw new Error(
          `${String(file)}: environment "${env.name}" has an image for "${service}", which it does not run (services: ${services.join(', ')})`,
        );
      }
    }
  }
  return parsed;
}
