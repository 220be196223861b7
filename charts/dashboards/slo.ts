/**
 * The platform's availability objectives, as PromQL over the services' raw counters (not over
 * recording rules, so the dashboards work whatever the rules are named):
 *
 *   error budget remaining = 1 - (1 - good / total) / (1 - objective)   over the SLO window
 *
 * 1 is an untouched budget, 0 a spent one, below 0 an objective missed. `1 - good / total` is
 * computed as `bad / total`, with `or vector(0)` so a window without a single failure reads 1, not
 * "no data" (a counter series appears only once a failure has been counted).
 */
import { type DashboardScope, selectorOf } from './scope.js';

/** Availability objective of every service: 99.9 % of requests good. */
export const AVAILABILITY_OBJECTIVE = 0.999;
/** The window the objective is measured over. */
export const SLO_WINDOW = '30d';

/** A service's availability indicator: its failed and its total events over a range (`[5m]`, `[30d]`). */
export interface AvailabilitySli {
  readonly service: string;
  /** What a good event is, for the panel's description. */
  readonly good: string;
  bad(range: string): string;
  total(range: string): string;
}

/** todo-api: a request is good unless it is answered with a 5xx (4xx are the client's). */
export function todoApiAvailability(scope: DashboardScope): AvailabilitySli {
  const selector = selectorOf(scope, 'todo-api');
  return {
    service: 'todo-api',
    good: 'HTTP requests not answered with a 5xx status',
    bad: (range) => `sum(increase(http_requests_total{${selector},status=~"5.."}[${range}]))`,
    total: (range) => `sum(increase(http_requests_total{${selector}}[${range}]))`,
  };
}

/**
 * chat-gateway: a chat message is good when it gets a reply; bad when it gets the `internal` error
 * (the gateway failed on its own side; rate limits and malformed messages are the client's).
 */
export function chatGatewayAvailability(scope: DashboardScope): AvailabilitySli {
  const selector = selectorOf(scope, 'chat-gateway');
  const bad = (range: string) => `sum(increase(chat_gateway_protocol_errors_total{${selector},code="internal"}[${range}]))`;
  return {
    service: 'chat-gateway',
    good: 'chat messages answered with a reply rather than an internal error',
    bad,
    total: (range) => `(sum(increase(chat_gateway_messages_total{${selector}}[${range}])) + (${bad(range)} or vector(0)))`,
  };
}

/** Share of bad events over the range; 0 when none failed. */
export function errorRatio(sli: AvailabilitySli, range: string): string {
  return `(${sli.bad(range)} or vector(0)) / ${sli.total(range)}`;
}

/** Error budget remaining over the SLO window (1 = untouched, 0 = spent). */
export function errorBudgetRemaining(sli: AvailabilitySli): string {
  return `1 - (${errorRatio(sli, SLO_WINDOW)}) / (1 - ${AVAILABILITY_OBJECTIVE})`;
}

/** How fast the budget burns over the range: 1 spends it exactly over the window, 14.4 over 2 days. */
export function burnRate(sli: AvailabilitySli, range: string): string {
  return `(${errorRatio(sli, range)}) / (1 - ${AVAILABILITY_OBJECTIVE})`;
}
