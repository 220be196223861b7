import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, in a registry of its own (several gateways can share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    openConnections: new Gauge({ name: 'chat_gateway_open_connections', help: 'Open WebSocket connections', registers: [registry] }),
    messages: new Counter({
      name: 'chat_gateway_messages_total',
      help: 'Chat messages handled, by intent (tool name, clarify or unknown)',
      labelNames: ['intent'] as const,
      registers: [registry],
    }),
    replyDuration: new Histogram({
      name: 'chat_gateway_reply_duration_seconds',
      help: 'Time from a say message to its reply, API calls included',
      labelNames: ['intent'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    upgradeRejections: new Counter({
      name: 'chat_gateway_upgrade_rejections_total',
      help: 'WebSocket upgrades refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    disconnects: new Counter({
      name: 'chat_gateway_forced_disconnects_total',
      help: 'Sockets the gateway closed on its own, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    protocolErrors: new Counter({
      name: 'chat_gateway_protocol_errors_total',
      help: 'Error messages sent to clients, by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    apiRequestDuration: new Histogram({
      name: 'chat_gateway_todo_api_request_duration_seconds',
      help: 'Calls from the gateway to the todo-api, by method and outcome (ok, refused, unavailable)',
      labelNames: ['method', 'outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    eventStreams: new Gauge({
      name: 'chat_gateway_event_streams',
      help: 'Per-user change streams currently connected to the todo-api',
      registers: [registry],
    }),
    llmFallbacks: new Counter({
      name: 'chat_gateway_llm_fallbacks_total',
      help: 'Sentences the LLM engine handed to the rule engine, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    llmRequestDuration: new Histogram({
      name: 'chat_gateway_llm_request_duration_seconds',
      help: 'Calls to the LLM chat-completions endpoint, by outcome (ok, timeout, unreachable, http_error)',
      labelNames: ['outcome'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15],
      registers: [registry],
    }),
    todoApiUp: new Gauge({
      name: 'chat_gateway_todo_api_up',
      help: '1 when the last todo-api readiness check passed',
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;
