/**
 * The platform's service-level objectives over 30 days, as PromQL over the services' raw counters
 * (not over recording rules, so the dashboards work whatever the rules are named):
 *
 *   error budget remaining = 1 - (1 - good / total) / (1 - objective)   over the SLO window
 *
 * 1 is an untouched budget, 0 a spent one, below 0 an objective missed. `1 - good / total` is
 * computed as `bad / total`, with `or vector(0)` so a window without a single failure reads 1, not
 * "no data" (a counter series appears only once a failure has been counted).
 */
import { type DashboardScope, selectorOf } from './scope.js';

/** The window every objective is measured over. */
export const SLO_WINDOW = '30d';
/** Availability objective of every service: 99.9 % of events good. */
export const AVAILABILITY_OBJECTIVE = 0.999;

/** One objective of one service: its good events' share must reach `objective`; bad and total events over a range (`[5m]`, `[30d]`). */
export interface ServiceLevelIndicator {
  readonly service: string;
  readonly kind: 'availability' | 'latency';
  /** Share of good events the objective asks for, e.g. 0.999. */
  readonly objective: number;
  /** What a good event is, for the panels' descriptions. */
  readonly good: string;
  bad(range: string): string;
  total(range: string): string;
}

/** Probes and scrapes are nobody's requests: they would dilute the ratio (the same matcher as the SLO recording rules). */
const USER_REQUESTS = 'route!~"/livez|/readyz|/metrics"';

/** todo-api: a request is good unless it is answered with a 5xx (4xx are the client's). */
export function todoApiAvailability(scope: DashboardScope): ServiceLevelIndicator {
  const selector = `${selectorOf(scope, 'todo-api')},${USER_REQUESTS}`;
  return {
    service: 'todo-api',
    kind: 'availability',
    objective: AVAILABILITY_OBJECTIVE,
    good: 'HTTP requests (probes and scrapes aside) not answered with a 5xx status',
    bad: (range) => `sum(increase(http_requests_total{${selector},status=~"5.."}[${range}]))`,
    total: (range) => `sum(increase(http_requests_total{${selector}}[${range}]))`,
  };
}

/**
 * chat-gateway: a chat message is good when it gets a reply; bad when it gets the `internal` error
 * (the gateway failed on its own side; rate limits and malformed messages are the client's).
 */
export function chatGatewayAvailability(scope: DashboardScope): ServiceLevelIndicator {
  const selector = selectorOf(scope, 'chat-gateway');
  const bad = (range: string) => `sum(increase(chat_gateway_protocol_errors_total{${selector},code="internal"}[${range}]))`;
  return {
    service: 'chat-gateway',
    kind: 'availability',
    objective: AVAILABILITY_OBJECTIVE,
    good: 'chat messages answered with a reply rather than an internal error',
    bad,
    total: (range) => `(sum(increase(chat_gateway_messages_total{${selector}}[${range}])) + (${bad(range)} or vector(0)))`,
  };
}

/** chat-gateway: 95 % of replies within 250 ms (a bucket bound of its reply histogram). */
export function chatGatewayLatency(scope: DashboardScope): ServiceLevelIndicator {
  const selector = selectorOf(scope, 'chat-gateway');
  const total = (range: string) => `sum(increase(chat_gateway_reply_duration_seconds_count{${selector}}[${range}]))`;
  return {
    service: 'chat-gateway',
    kind: 'latency',
    objective: 0.95,
    good: 'replies sent within 250 ms of the message',
    bad: (range) => `(${total(range)} - sum(increase(chat_gateway_reply_duration_seconds_bucket{${selector},le="0.25"}[${range}])))`,
    total,
  };
}

/** Share of bad events over the range; 0 when none failed. */
export function errorRatio(sli: ServiceLevelIndicator, range: string): string {
  return `(${sli.bad(range)} or vector(0)) / ${sli.total(range)}`;
}

/** Error budget remaining over the SLO window (1 = untouched, 0 = spent). */
export function errorBudgetRemaining(sli: ServiceLevelIndicator): string {
  return `1 - (${errorRatio(sli, SLO_WINDOW)}) / (1 - ${sli.objective})`;
}

/** How fast the budget burns over the range: 1 spends it exactly over the window, 14.4 over 2 days. */
export function burnRate(sli: ServiceLevelIndicator, range: string): string {
  return `(${errorRatio(sli, range)}) / (1 - ${sli.objective})`;
}
