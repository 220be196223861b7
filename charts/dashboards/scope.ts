/** Where a dashboard's metrics come from: one environment's namespace, one scrape job per service. */
export interface DashboardScope {
  /** The environment's name (`staging`, `prod`): in uids and titles, so environments never collide in one Grafana. */
  readonly env: string;
  /** The environment's namespace: the `namespace` label of its metrics. */
  readonly namespace: string;
}

/**
 * The label matchers of one service's metrics. The ServiceMonitor names the scrape `job` after the
 * Service, which is named after the service (the same matchers as the ServiceLevelObjective rules).
 */
export function selectorOf(scope: DashboardScope, service: string): string {
  return `job="${service}",namespace="${scope.namespace}"`;
}
