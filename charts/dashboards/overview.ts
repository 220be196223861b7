/** The platform at a glance: each service's error budget over 30 days, its burn rate, and its traffic. */
import { type DashboardSpec, type PanelDraft, singleStat, timeSeries } from './panels.js';
import { type DashboardScope, selectorOf } from './scope.js';
import {
  burnRate,
  chatGatewayAvailability,
  chatGatewayLatency,
  errorBudgetRemaining,
  errorRatio,
  type ServiceLevelIndicator,
  SLO_WINDOW,
  todoApiAvailability,
} from './slo.js';

const percent = (ratio: number) => `${Number((ratio * 100).toFixed(2))} %`;

function budgetPanels(sli: ServiceLevelIndicator): PanelDraft[] {
  const name = `${sli.service} ${sli.kind}`;
  return [
    singleStat({
      title: `${name}: error budget left`,
      description: `Share of the ${SLO_WINDOW} error budget (objective: ${percent(sli.objective)} of ${sli.good}) still unspent: 1 - (1 - good/total) / (1 - ${sli.objective}).`,
      unit: 'percentunit',
      size: { span: 6, height: 6 },
      queries: [{ expr: errorBudgetRemaining(sli), legend: 'budget left' }],
      steps: [
        { value: null, color: 'red' },
        { value: 0.25, color: 'orange' },
        { value: 0.5, color: 'green' },
      ],
    }),
    singleStat({
      title: `${name}: good share over ${SLO_WINDOW}`,
      description: `Share of ${sli.good} over the last ${SLO_WINDOW}; the objective is ${percent(sli.objective)}.`,
      unit: 'percentunit',
      size: { span: 6, height: 6 },
      queries: [{ expr: `1 - (${errorRatio(sli, SLO_WINDOW)})`, legend: sli.kind }],
      steps: [
        { value: null, color: 'red' },
        { value: sli.objective, color: 'green' },
      ],
    }),
    timeSeries({
      title: `${name}: burn rate`,
      description:
        'How fast the budget burns: 1 spends it exactly over the window; 14.4 over 1 hour would spend 2 % of it (the classic fast-burn page), 6 over 6 hours 5 %.',
      unit: 'short',
      min: 0,
      size: { span: 12, height: 6 },
      queries: [
        { expr: burnRate(sli, '1h'), legend: '1h' },
        { expr: burnRate(sli, '6h'), legend: '6h' },
      ],
    }),
  ];
}

/** The objectives of each service that has some, by service name. */
const OBJECTIVES: Readonly<Record<string, readonly ((scope: DashboardScope) => ServiceLevelIndicator)[]>> = {
  'todo-api': [todoApiAvailability],
  'chat-gateway': [chatGatewayAvailability, chatGatewayLatency],
};

/** Each service's traffic at a glance, by service name. */
const TRAFFIC: Readonly<Record<string, (scope: DashboardScope) => PanelDraft>> = {
  'todo-api': (scope) => {
    const api = selectorOf(scope, 'todo-api');
    return timeSeries({
      title: 'todo-api requests',
      description: 'Requests per second, and those answered with a 5xx.',
      unit: 'reqps',
      min: 0,
      queries: [
        { expr: `sum(rate(http_requests_total{${api}}[$__rate_interval]))`, legend: 'all' },
        { expr: `sum(rate(http_requests_total{${api},status=~"5.."}[$__rate_interval]))`, legend: '5xx' },
      ],
    });
  },
  'chat-gateway': (scope) => {
    const gateway = selectorOf(scope, 'chat-gateway');
    return timeSeries({
      title: 'chat-gateway messages and sockets',
      description: 'Chat messages answered per second, and open WebSocket connections.',
      unit: 'short',
      min: 0,
      queries: [
        { expr: `sum(rate(chat_gateway_messages_total{${gateway}}[$__rate_interval]))`, legend: 'messages/s' },
        { expr: `sum(chat_gateway_open_connections{${gateway}})`, legend: 'sockets' },
      ],
    });
  },
};

/** The overview of the environment's services (by name, in order); a service it knows nothing of adds no panel. */
export function overviewDashboard(scope: DashboardScope, services: readonly string[]): DashboardSpec {
  return {
    uid: `${scope.env}-platform-overview`,
    title: `Todo platform overview (${scope.env})`,
    description: `Error budgets of the services' objectives over ${SLO_WINDOW}, and the traffic of every service.`,
    tags: ['todo-platform', scope.env, 'slo'],
    rows: [
      {
        title: `Error budgets (${SLO_WINDOW})`,
        panels: services.flatMap((service) => (OBJECTIVES[service] ?? []).flatMap((sli) => budgetPanels(sli(scope)))),
      },
      { title: 'Traffic', panels: services.flatMap((service) => (TRAFFIC[service] ? [TRAFFIC[service](scope)] : [])) },
    ],
  };
}
