/**
 * The construct library: hardened, validated Kubernetes building blocks for cdk8s.
 * One construct per file; this file re-exports the public API. See constructs/README.md.
 */
export * from './labels.js';
export * from './errors.js';
export * from './contracts.js';
export * from './quantity.js';
export * from './image-reference.js';
export * from './names.js';
export * from './pod-hardening.js';
export * from './probes.js';
export * from './containers.js';
export * from './autoscaling.js';
export * from './canary-delivery.js';
export * from './hardened-deployment.js';
export * from './pod-template.js';
export * from './worker.js';
export * from './job.js';
export * from './cron-job.js';
export * from './stateful-service.js';
export * from './priority-class.js';
export * from './probed-service.js';
export * from './web-service.js';
export * from './network-peers.js';
export * from './workload-network-policy.js';
export * from './network-policy-eval.js';
export * from './platform-namespace.js';
export * from './tls-ingress.js';
export * from './cluster-issuer.js';
export * from './self-signed-cluster-issuer.js';
export * from './cloudnative-pg-database.js';
export * from './cloudnative-pg-recovery.js';
export * from './postgres-statefulset.js';
export * from './pg-dump-backup.js';
export * from './external-secret-file.js';
export * from './prometheus-rules.js';
export * from './service-level-objective.js';
export * from './platform-alerts.js';
export * from './grafana-dashboard.js';
export * from './policy/index.js';
export * from './network-flows.js';
