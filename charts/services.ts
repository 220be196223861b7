/**
 * The services of the todo platform, as data: the chart, the namespace quota, the images
 * (images.json, the release workflow's build matrix), the network policies and the tests all derive
 * from this one list. Adding a service to the platform is one entry here and its image in images.json.
 */
import { readFileSync } from 'node:fs';
import type { CanaryAnalysis, ServiceLevelObjectiveProps } from '@todo-platform/hardened-constructs';
import type { ContainerResources, EnvironmentConfig } from './config.js';

/** A path on the environment's host that is routed to a service. */
export interface ServiceRoute {
  /** Path prefix, e.g. `/api`. */
  readonly path: string;
  /** A WebSocket route: long read/send timeouts. */
  readonly websocket?: boolean;
  /** The largest request body the ingress controller lets through (ingress-nginx only), e.g. `64k`. */
  readonly maxBodySize?: string;
}

/**
 * A secret a service reads from a mounted file: where the environment has a secret store, an
 * ExternalSecret keeps the Secret in sync from `remoteRef`; elsewhere the Secret exists already.
 */
export interface ServiceSecret {
  /** The Secret's name, e.g. `todo-api-jwt`. */
  readonly secretName: string;
  /** The Secret key, which is also the file's name, e.g. `private.pem`. */
  readonly key: string;
  /** The value's key in the environment's secret store (environments with `secrets.kind: 'external-secrets'`). */
  readonly remoteRef: string;
  /** The directory it is mounted at. */
  readonly mountPath: string;
  /** The variable that gets the file's path, e.g. `JWT_PRIVATE_KEY_FILE`. */
  readonly envVarForPath: string;
}

/** An address range outside the cluster a service calls. */
export interface ServiceEgress {
  readonly cidr: string;
  readonly port: number;
}

/** An in-cluster callee outside the platform's namespace (by namespace and pod labels). */
export interface ServicePeerEgress {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly port: number;
}

/** How the release workflow builds a service's image. */
export interface ServiceBuild {
  /** The Dockerfile, relative to the repository root (the build context). */
  readonly dockerfile: string;
  /** The image repository under the registry owner, e.g. `todo-frontend`. */
  readonly repository: string;
}

/** One service of the platform. */
export interface PlatformService {
  /** The workload's name and `app.kubernetes.io/name`, and its key in images.json. */
  readonly name: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** The container port it serves HTTP on, `/livez` and `/readyz` included. */
  readonly port: number;
  /** Paths on the environment's host routed to it; none: only its callers (`calls` of others) reach it. */
  readonly routes?: readonly ServiceRoute[];
  /** The platform services it calls over HTTP, by name: its egress and their ingress, nothing more. */
  readonly calls?: readonly string[];
  /** Serves Prometheus metrics at `/metrics`: scraped where the environment has ServiceMonitors. */
  readonly metrics?: boolean;
  /**
   * Its service-level objectives (a ServiceLevelObjective: recording rules and burn-rate alerts) where
   * the environment has alerting; they read its `/metrics`, so `metrics` must be on.
   */
  readonly slo?: Pick<ServiceLevelObjectiveProps, 'availability' | 'latency' | 'eventMatchers'>;
  /**
   * What judges its canary releases where the environment has `canaryReleases` (the address comes from
   * there); without it the service always rolls. Needs `metrics`.
   */
  readonly canary?: Omit<CanaryAnalysis, 'prometheusAddress'>;
  /** Connects to the platform's database: its connection string mounted as a file, its egress opened. */
  readonly usesDatabase?: boolean;
  /** The secrets it reads from files in this environment. */
  readonly secrets?: (env: EnvironmentConfig) => readonly ServiceSecret[];
  /** What it calls outside the cluster in this environment (egress by address range). */
  readonly egressToCidrs?: (env: EnvironmentConfig) => readonly ServiceEgress[];
  /** What it calls in the cluster outside the platform in this environment (egress by namespace and pods). */
  readonly egressTo?: (env: EnvironmentConfig) => readonly ServicePeerEgress[];
  /** Its plain settings in this environment (a ConfigMap, one env var each). */
  readonly config?: (env: EnvironmentConfig) => Readonly<Record<string, string>>;
  /** Configuration files mounted read-only into the container. */
  readonly configFiles?: () => { readonly mountPath: string; readonly files: Readonly<Record<string, string>> };
  /**
   * Its container resources in this environment.
   * @default the environment's `resources`
   */
  readonly resources?: (env: EnvironmentConfig) => ContainerResources;
  readonly build: ServiceBuild;
}

/** The in-cluster URL of a platform service. */
/** Where the services' secret files are mounted. */
export const SECRETS_DIR = '/var/run/secrets/todo';

export function serviceUrl(name: string, env: EnvironmentConfig): string {
  return `http://${name}.${env.namespace}.svc.cluster.local`;
}

/** The frontend's nginx server block: the same file the image ships, so the app and its CSP never drift apart. */
export const FRONTEND_NGINX_CONF = new URL('../services/frontend/nginx/default.conf', import.meta.url);

const origin = (env: EnvironmentConfig) => `https://${env.host}`;

/** A Node service's OTEL_* settings (services/shared/tracing.ts): none where tracing is off. */
function tracingConfig(env: EnvironmentConfig, serviceName: string): Record<string, string> {
  if (!env.tracing) return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: env.tracing.endpoint,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(env.tracing.sampleRatio),
  };
}

/** Egress to the trace collector where tracing is on. */
const tracingEgress = (env: EnvironmentConfig): readonly ServicePeerEgress[] => (env.tracing ? [env.tracing.collector] : []);

/** One scrypt hash at the API's cost needs 128 MiB beside a ~125 MiB process (services/todo-api README). */
const HASHES_AT_ONCE = { small: 1, production: 2 } as const;

/**
 * The API's memory from its measured peak: 282 MiB with one hash at a time under load, 407 MiB with
 * two (4 would need 647 MiB). Its cpu and ephemeral storage are the environment's.
 */
function todoApiResources(env: EnvironmentConfig): ContainerResources {
  const production = hashesAtOnce(env) === HASHES_AT_ONCE.production;
  return { ...env.resources, memory: production ? { request: '384Mi', limit: '512Mi' } : { request: '192Mi', limit: '384Mi' } };
}

/** Concurrent password hashes: two where the pod has a whole core (prod), else one. */
function hashesAtOnce(env: EnvironmentConfig): number {
  return env.resources.cpu.limit === '1' ? HASHES_AT_ONCE.production : HASHES_AT_ONCE.small;
}

/**
 * The deployment documents' targets for an HTTP service, over 30 days: 99.9 % of requests succeed (an
 * error rate under 0.1 %), and 95 % are faster than 200 ms (p95 < 200 ms). Probes and scrapes are no
 * user's requests and would dilute both ratios.
 */
const HTTP_SLO: NonNullable<PlatformService['slo']> = {
  availability: { objectivePercent: 99.9 },
  latency: { objectivePercent: 95, thresholdSeconds: 0.2 },
  eventMatchers: 'route!~"/livez|/readyz|/metrics"',
};

/** The todo platform: the API, the chat gateway and the web frontend. */
export const TODO_SERVICES: readonly PlatformService[] = [
  {
    name: 'todo-api',
    component: 'api',
    port: 8080,
    // The API refuses bodies over 64 KiB itself; ingress-nginx refuses them before they cost anything
    // (Gateway API has no portable body-size field: there the API's own limit is the only one).
    routes: [{ path: '/api', maxBodySize: '64k' }, { path: '/.well-known' }],
    metrics: true,
    slo: HTTP_SLO,
    // A release's new pods alone, judged on a few minutes of traffic: 1 % 5xx (a canary's sample is
    // too small for the SLO's 0.1 %) and the SLO's p95 of 200 ms.
    canary: {
      errorRatio: { counter: 'http_requests_total', errorMatchers: 'status=~"5.."', max: 0.01 },
      latency: { histogram: 'http_request_duration_seconds', maxSeconds: 0.2 },
    },
    usesDatabase: true,
    // The JWT signing key: only the API holds it; everyone else verifies with its public JWKS.
    secrets: (env) => [
      {
        secretName: 'todo-api-jwt',
        key: 'private.pem',
        remoteRef: env.secrets.kind === 'external-secrets' ? env.secrets.jwtKeyRemoteRef : '',
        mountPath: `${SECRETS_DIR}/jwt`,
        envVarForPath: 'JWT_PRIVATE_KEY_FILE',
      },
    ],
    config: (env) => ({
      PORT: '8080',
      LOG_LEVEL: env.logLevel,
      ALLOWED_ORIGINS: origin(env),
      // Client addresses come from X-Forwarded-For, taking only the entry the one proxy in front (the
      // ingress controller or the Gateway) appended: rate limits are per client, and a client can
      // forge every entry to the left of it.
      TRUST_PROXY_HOPS: '1',
      SCRYPT_CONCURRENCY: String(hashesAtOnce(env)),
      ...tracingConfig(env, 'todo-api'),
    }),
    egressTo: tracingEgress,
    resources: todoApiResources,
    build: { dockerfile: 'services/todo-api/Dockerfile', repository: 'todo-api' },
  },
  {
    name: 'chat-gateway',
    component: 'chat',
    port: 8081,
    routes: [{ path: '/ws', websocket: true }],
    calls: ['todo-api'],
    metrics: true,
    // No HTTP request metrics (its traffic is WebSocket messages), and no counter that tells its own
    // failures from clients' mistakes: its objective is reply latency (a bound of its histogram).
    slo: { latency: { objectivePercent: 95, thresholdSeconds: 0.25, histogram: 'chat_gateway_reply_duration_seconds' } },
    // No HTTP metrics: its API calls failing to connect (a broken release cannot reach the API), and its reply time.
    canary: {
      errorRatio: { counter: 'chat_gateway_todo_api_request_duration_seconds_count', errorMatchers: 'outcome="unavailable"', max: 0.01 },
      latency: { histogram: 'chat_gateway_reply_duration_seconds', maxSeconds: 0.5 },
    },
    config: (env) => ({
      PORT: '8081',
      LOG_LEVEL: env.logLevel,
      ALLOWED_ORIGINS: origin(env),
      TODO_API_URL: serviceUrl('todo-api', env),
      // The LLM engine beside the rules (services/chat-gateway README), where the environment has a model.
      ...(env.assistantModel
        ? {
            LLM_BASE_URL: env.assistantModel.baseUrl,
            LLM_MODEL: env.assistantModel.model,
            LLM_TIMEOUT_MS: String(env.assistantModel.timeoutMs ?? 4000),
          }
        : {}),
      ...tracingConfig(env, 'chat-gateway'),
    }),
    egressTo: tracingEgress,
    secrets: (env) =>
      env.assistantModel?.apiKeyRemoteRef === undefined
        ? []
        : [
            {
              secretName: 'chat-gateway-llm',
              key: 'api-key',
              remoteRef: env.assistantModel.apiKeyRemoteRef,
              mountPath: `${SECRETS_DIR}/llm`,
              envVarForPath: 'LLM_API_KEY_FILE',
            },
          ],
    egressToCidrs: (env) => (env.assistantModel?.endpointCidrs ?? []).map((cidr) => ({ cidr, port: 443 })),
    build: { dockerfile: 'services/chat-gateway/Dockerfile', repository: 'chat-gateway' },
  },
  {
    name: 'frontend',
    component: 'frontend',
    port: 8080,
    routes: [{ path: '/' }],
    configFiles: () => ({ mountPath: '/etc/nginx/conf.d', files: { 'default.conf': readFileSync(FRONTEND_NGINX_CONF, 'utf8') } }),
    build: { dockerfile: 'services/frontend/Dockerfile', repository: 'todo-frontend' },
  },
];
