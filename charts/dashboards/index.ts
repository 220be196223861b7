/**
 * The platform's Grafana dashboards as data: one per service that has metrics, and the overview with
 * the error budgets. Built with the Grafana Foundation SDK; charts/platform.ts emits each as a
 * GrafanaDashboard ConfigMap where the environment is scraped.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { chatGatewayDashboard } from './chat-gateway.js';
import { overviewDashboard } from './overview.js';
import { buildDashboard, type DashboardSpec } from './panels.js';
import type { DashboardScope } from './scope.js';
import { todoApiDashboard } from './todo-api.js';

export type { DashboardScope } from './scope.js';

/** One dashboard of the platform and whose it is (the ConfigMap's `app.kubernetes.io/name` and component). */
export interface PlatformDashboard {
  /** The service it shows, or `todo-platform` for the overview. */
  readonly owner: string;
  readonly component: string;
  readonly dashboard: Dashboard;
}

/** The dashboards of the services, by service name (a service without an entry has no dashboard). */
const SERVICE_DASHBOARDS: Readonly<Record<string, (scope: DashboardScope) => DashboardSpec>> = {
  'todo-api': todoApiDashboard,
  'chat-gateway': chatGatewayDashboard,
};

/** The Grafana folder of an environment's dashboards. */
export function dashboardFolder(scope: DashboardScope): string {
  return `todo-platform-${scope.env}`;
}

/**
 * The dashboards for an environment with these services (`{ name, component }`): the overview,
 * then each listed service that has one, in the list's order.
 */
export function platformDashboards(
  scope: DashboardScope,
  services: readonly { readonly name: string; readonly component: string }[],
): PlatformDashboard[] {
  return [
    {
      owner: 'todo-platform',
      component: 'monitoring',
      dashboard: buildDashboard(
        overviewDashboard(
          scope,
          services.map((s) => s.name),
        ),
      ).build(),
    },
    ...services.flatMap((service) => {
      const spec = SERVICE_DASHBOARDS[service.name];
      return spec ? [{ owner: service.name, component: service.component, dashboard: buildDashboard(spec(scope)).build() }] : [];
    }),
  ];
}
