/** todo-api: rate, errors, duration, saturation and the database pool, from services/todo-api/src/http/metrics.ts. */
import { nodeProcessPanels } from './node-process.js';
import { type DashboardSpec, timeSeries } from './panels.js';
import { type DashboardScope, selectorOf } from './scope.js';

const QUANTILES = [0.5, 0.95, 0.99] as const;

export function todoApiDashboard(scope: DashboardScope): DashboardSpec {
  const s = selectorOf(scope, 'todo-api');
  const requests = (extra = '') => `http_requests_total{${s}${extra}}[$__rate_interval]`;
  const buckets = `http_request_duration_seconds_bucket{${s}}[$__rate_interval]`;
  return {
    uid: `${scope.env}-todo-api`,
    title: `todo-api (${scope.env})`,
    description: 'The todo REST API: requests by route and status, latency, process saturation and the database pool.',
    tags: ['todo-platform', scope.env, 'todo-api'],
    rows: [
      {
        title: 'Rate',
        panels: [
          timeSeries({
            title: 'Requests by route',
            description: 'Requests per second by route template (never the raw path, so the series stay few).',
            unit: 'reqps',
            min: 0,
            queries: [{ expr: `sum by (method, route) (rate(${requests()}))`, legend: '{{method}} {{route}}' }],
          }),
          timeSeries({
            title: 'Requests by status',
            description: 'Requests per second by response status.',
            unit: 'reqps',
            min: 0,
            queries: [{ expr: `sum by (status) (rate(${requests()}))`, legend: '{{status}}' }],
          }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          timeSeries({
            title: '5xx ratio',
            description:
              'Share of requests answered with a 5xx: the availability SLO (99.9 % over 30 days) pages when this burns its budget 14.4x over 1 h (and 5 min) or 6x over 6 h (and 30 min).',
            unit: 'percentunit',
            min: 0,
            queries: [{ expr: `sum(rate(${requests(',status=~"5.."')})) / sum(rate(${requests()}))`, legend: '5xx' }],
          }),
          timeSeries({
            title: '4xx and 5xx by route',
            description:
              'Refused and failed requests per second by route and status: a 4xx spike on one route is a client or an attack, a 5xx one is ours.',
            unit: 'reqps',
            min: 0,
            queries: [{ expr: `sum by (route, status) (rate(${requests(',status=~"[45].."')}))`, legend: '{{status}} {{route}}' }],
          }),
        ],
      },
      {
        title: 'Duration',
        panels: [
          timeSeries({
            title: 'Latency quantiles',
            description: 'Request duration quantiles over every route: the latency SLO wants 95 % of requests within 200 ms over 30 days.',
            unit: 's',
            min: 0,
            queries: QUANTILES.map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${buckets})))`, legend: `p${q * 100}` })),
          }),
          timeSeries({
            title: 'p95 latency by route',
            description: 'The slowest routes; registration and login are slow on purpose (password hashing).',
            unit: 's',
            min: 0,
            queries: [{ expr: `histogram_quantile(0.95, sum by (le, route) (rate(${buckets})))`, legend: '{{route}}' }],
          }),
        ],
      },
      { title: 'Saturation', panels: nodeProcessPanels(s) },
      {
        title: 'Database pool',
        panels: [
          timeSeries({
            title: 'Pool connections',
            description: "Open connections of every pod's pool, and how many of them are idle.",
            unit: 'short',
            min: 0,
            queries: [
              { expr: `sum(db_pool_total_connections{${s}})`, legend: 'open' },
              { expr: `sum(db_pool_idle_connections{${s}})`, legend: 'idle' },
            ],
          }),
          timeSeries({
            title: 'Requests waiting for a connection',
            description:
              "Queries queued because every connection of the pod's pool is busy: above 0 for long, the pool or the database is the bottleneck.",
            unit: 'short',
            min: 0,
            queries: [{ expr: `max by (pod) (db_pool_waiting_connections{${s}})`, legend: '{{pod}}' }],
          }),
        ],
      },
    ],
  };
}
