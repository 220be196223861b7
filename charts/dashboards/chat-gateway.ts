/** chat-gateway: messages, errors, reply and todo-api latency, connections, the assistant model, saturation, from services/chat-gateway/src/metrics.ts. */
import { nodeProcessPanels } from './node-process.js';
import { type DashboardSpec, timeSeries } from './panels.js';
import { type DashboardScope, selectorOf } from './scope.js';

const QUANTILES = [0.5, 0.95, 0.99] as const;

export function chatGatewayDashboard(scope: DashboardScope): DashboardSpec {
  const s = selectorOf(scope, 'chat-gateway');
  const range = '[$__rate_interval]';
  const replyBuckets = `chat_gateway_reply_duration_seconds_bucket{${s}}${range}`;
  const apiCalls = (extra = '') => `chat_gateway_todo_api_request_duration_seconds_count{${s}${extra}}${range}`;
  return {
    uid: `${scope.env}-chat-gateway`,
    title: `chat-gateway (${scope.env})`,
    description:
      'The WebSocket chat gateway: messages by intent, errors, reply latency, connections, its calls to the todo-api, process saturation.',
    tags: ['todo-platform', scope.env, 'chat-gateway'],
    rows: [
      {
        title: 'Rate',
        panels: [
          timeSeries({
            title: 'Messages by intent',
            description: 'Chat messages answered per second, by what the assistant understood (a tool name, clarify or unknown).',
            unit: 'short',
            min: 0,
            queries: [{ expr: `sum by (intent) (rate(chat_gateway_messages_total{${s}}${range}))`, legend: '{{intent}}' }],
          }),
          timeSeries({
            title: 'todo-api calls by outcome',
            description: 'Calls to the todo-api per second by method and outcome (ok, refused, unavailable).',
            unit: 'reqps',
            min: 0,
            queries: [{ expr: `sum by (method, outcome) (rate(${apiCalls()}))`, legend: '{{method}} {{outcome}}' }],
          }),
        ],
      },
      {
        title: 'Connections',
        panels: [
          timeSeries({
            title: 'Open connections and change streams',
            description: 'Open WebSocket connections, and the per-user change streams the gateway holds to the todo-api.',
            unit: 'short',
            min: 0,
            queries: [
              { expr: `sum(chat_gateway_open_connections{${s}})`, legend: 'sockets' },
              { expr: `sum(chat_gateway_event_streams{${s}})`, legend: 'change streams' },
            ],
          }),
          timeSeries({
            title: 'Refused upgrades and forced disconnects',
            description:
              'Upgrades refused (bad token, origin, capacity) and sockets the gateway closed itself (flood, slow consumer, heartbeat), per second by reason.',
            unit: 'short',
            min: 0,
            queries: [
              { expr: `sum by (reason) (rate(chat_gateway_upgrade_rejections_total{${s}}${range}))`, legend: 'refused: {{reason}}' },
              { expr: `sum by (reason) (rate(chat_gateway_forced_disconnects_total{${s}}${range}))`, legend: 'closed: {{reason}}' },
            ],
          }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          timeSeries({
            title: 'Error messages by code',
            description:
              "Error messages sent to clients per second by code; `internal` is the gateway failing, the rest are the client's or a dependency's.",
            unit: 'short',
            min: 0,
            queries: [{ expr: `sum by (code) (rate(chat_gateway_protocol_errors_total{${s}}${range}))`, legend: '{{code}}' }],
          }),
          timeSeries({
            title: 'todo-api: failed calls and readiness',
            description: 'Share of calls to the todo-api that were not ok, and how many pods saw the todo-api ready at their last check.',
            unit: 'short',
            min: 0,
            queries: [
              { expr: `sum(rate(${apiCalls(',outcome!="ok"')})) / sum(rate(${apiCalls()}))`, legend: 'failed share' },
              { expr: `sum(chat_gateway_todo_api_up{${s}})`, legend: 'pods seeing it ready' },
            ],
          }),
        ],
      },
      {
        title: 'Duration',
        panels: [
          timeSeries({
            title: 'Reply latency quantiles',
            description: 'Time from a message to its reply, todo-api calls included.',
            unit: 's',
            min: 0,
            queries: QUANTILES.map((q) => ({
              expr: `histogram_quantile(${q}, sum by (le) (rate(${replyBuckets})))`,
              legend: `p${q * 100}`,
            })),
          }),
          timeSeries({
            title: 'p95 latency of todo-api calls by method',
            description: 'How long the gateway waits for the todo-api: when this rises with the reply latency, the API is the cause.',
            unit: 's',
            min: 0,
            queries: [
              {
                expr: `histogram_quantile(0.95, sum by (le, method) (rate(chat_gateway_todo_api_request_duration_seconds_bucket{${s}}${range})))`,
                legend: '{{method}}',
              },
            ],
          }),
        ],
      },
      {
        title: 'Assistant model (empty unless LLM_BASE_URL is set)',
        panels: [
          timeSeries({
            title: 'Model calls by outcome',
            description: 'Calls to the chat-completions endpoint per second by outcome (ok, timeout, unreachable, http_error).',
            unit: 'reqps',
            min: 0,
            queries: [
              { expr: `sum by (outcome) (rate(chat_gateway_llm_request_duration_seconds_count{${s}}${range}))`, legend: '{{outcome}}' },
            ],
          }),
          timeSeries({
            title: 'Model latency p95 and fallbacks to the rules',
            description:
              'How long the model takes, and sentences it handed to the rule engine per second by reason: the assistant still answers, less cleverly.',
            unit: 'short',
            min: 0,
            queries: [
              {
                expr: `histogram_quantile(0.95, sum by (le) (rate(chat_gateway_llm_request_duration_seconds_bucket{${s}}${range})))`,
                legend: 'p95 seconds',
              },
              { expr: `sum by (reason) (rate(chat_gateway_llm_fallbacks_total{${s}}${range}))`, legend: 'fallback: {{reason}}' },
            ],
          }),
        ],
      },
      { title: 'Saturation', panels: nodeProcessPanels(s) },
    ],
  };
}
