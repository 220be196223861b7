import type { ConversationContext, IntentEngine, Interpretation, ShownTask } from './engine.js';
import { OPENAI_TOOLS, validateToolCall } from './tool-call-validation.js';
import type { TaskReference, ToolCall } from './tools.js';

/** Why the LLM engine handed a sentence to the rules; a metrics label, so a small fixed set. */
export type FallbackReason =
  | 'timeout'
  | 'unreachable'
  | 'http_error'
  | 'malformed'
  | 'no_tool_call'
  | 'several_tool_calls'
  | 'invalid_tool_call'
  | 'ambiguous_target'
  | 'bulk_action';

export interface LlmEngineOptions {
  /** An OpenAI-compatible API root, e.g. https://api.openai.com/v1; `/chat/completions` is appended. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as a bearer token when set (local servers often need none). */
  readonly apiKey?: string;
  /** Bound on the whole call, body included. */
  readonly timeoutMs: number;
  /** Answers whenever the model cannot be trusted with a sentence. */
  readonly fallback: IntentEngine;
  /** Told of every call's outcome and of every fallback, for metrics and logs. */
  readonly observer?: LlmEngineObserver;
}

export interface LlmEngineObserver {
  request(outcome: 'ok' | 'timeout' | 'unreachable' | 'http_error', seconds: number): void;
  fallback(reason: FallbackReason, detail: string): void;
}

/** Tools that lose data or change state in a way the user may not have meant: only on exactly one known task. */
const DESTRUCTIVE = new Set<ToolCall['name']>(['delete_task', 'complete_task']);
/** Tools that act on many tasks at once: only when the rules read the sentence that way too. */
const BULK = new Set<ToolCall['name']>(['clear_completed']);

/**
 * Understands sentences with a chat-completions model and tool calling, offered the same tools
 * (tools.ts) the rule engine produces. Whatever cannot be trusted — no answer in time, an HTTP
 * error, output that is not one valid tool call, a destructive call whose task is not exactly one
 * the user has seen, a bulk action — goes to the fallback (the rule engine) instead.
 */
export class LlmIntentEngine implements IntentEngine {
  private readonly url: string;

  constructor(private readonly options: LlmEngineOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  async interpret(text: string, context: ConversationContext): Promise<Interpretation> {
    // "Which one do you mean?" was asked by the rules' resolver; its answer ("2") is theirs to read.
    if (context.pendingCall) return this.options.fallback.interpret(text, context);
    const answer = await this.ask(text, context);
    if ('reason' in answer) return this.fallBack(answer.reason, answer.detail, text, context);
    const call = answer.call;
    if (BULK.has(call.name)) return this.fallBack('bulk_action', call.name, text, context);
    if (DESTRUCTIVE.has(call.name) && 'task' in call.args) {
      const task = uniqueKnownTask(call.args.task, context);
      if (!task) return this.fallBack('ambiguous_target', call.name, text, context);
      return { ...call, args: { ...call.args, task: { id: task } } } as ToolCall;
    }
    return call;
  }

  private async fallBack(reason: FallbackReason, detail: string, text: string, context: ConversationContext): Promise<Interpretation> {
    this.options.observer?.fallback(reason, detail);
    return this.options.fallback.interpret(text, context);
  }

  /** One chat-completions round trip, read down to one validated tool call. */
  private async ask(text: string, context: ConversationContext): Promise<{ call: ToolCall } | { reason: FallbackReason; detail: string }> {
    const started = performance.now();
    const observe = (outcome: 'ok' | 'timeout' | 'unreachable' | 'http_error') =>
      this.options.observer?.request(outcome, (performance.now() - started) / 1000);
    let body: unknown;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.options.model,
          messages: [
            { role: 'system', content: systemPrompt(context) },
            { role: 'user', content: text },
          ],
          tools: OPENAI_TOOLS,
          tool_choice: 'auto',
          temperature: 0,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        observe('http_error');
        return { reason: 'http_error', detail: `status ${response.status}` };
      }
      const raw = await response.text();
      observe('ok');
      try {
        body = JSON.parse(raw);
      } catch {
        return { reason: 'malformed', detail: 'the answer is not JSON' };
      }
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      observe(timedOut ? 'timeout' : 'unreachable');
      return timedOut
        ? { reason: 'timeout', detail: `no answer within ${this.options.timeoutMs} ms` }
        : { reason: 'unreachable', detail: (error as Error).name };
    }
    const message = (body as { choices?: { message?: unknown }[] } | null)?.choices?.[0]?.message;
    if (typeof message !== 'object' || message === null) return { reason: 'malformed', detail: 'no choices[0].message' };
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    if (!Array.isArray(calls) || calls.length === 0) return { reason: 'no_tool_call', detail: 'the model answered in text' };
    if (calls.length > 1) return { reason: 'several_tool_calls', detail: `${calls.length} tool calls` };
    const fn = (calls[0] as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
    if (typeof fn?.name !== 'string' || typeof fn.arguments !== 'string')
      return { reason: 'malformed', detail: 'a tool call without name or arguments' };
    const checked = validateToolCall(fn.name, fn.arguments);
    return 'call' in checked ? checked : { reason: 'invalid_tool_call', detail: checked.problem };
  }
}

/** The task id a reference means among the tasks the user has seen, when it means exactly one. */
function uniqueKnownTask(reference: TaskReference, context: ConversationContext): string | undefined {
  const shown = context.lastShownTasks;
  if ('id' in reference) {
    return shown.some((t) => t.id === reference.id) || reference.id === context.lastTaskId ? reference.id : undefined;
  }
  if ('position' in reference) {
    const index = reference.position > 0 ? reference.position - 1 : shown.length + reference.position;
    return shown[index]?.id;
  }
  const wanted = reference.title.trim().toLowerCase();
  const matches = shown.filter((t) => t.title.trim().toLowerCase() === wanted);
  return matches.length === 1 ? matches[0]!.id : undefined;
}

function systemPrompt(context: ConversationContext): string {
  const lines = [
    'You manage the user’s todo list. Answer every message with exactly one call of the tools offered; never answer in text.',
    'If the message is not about the todo list, call help.',
    `Now is ${context.now.toISOString()}; the user’s time zone is ${context.timeZone}. Give dates as ISO 8601 instants with an offset.`,
    'Refer to a task by its number in the list below, by its id, or by its exact title.',
  ];
  lines.push(
    context.lastShownTasks.length === 0
      ? 'No list has been shown to the user yet.'
      : `The list last shown to the user:\n${context.lastShownTasks.map(describe).join('\n')}`,
  );
  if (context.lastTaskId) lines.push(`The previous action was about the task with id ${context.lastTaskId} (“it”, “that one”).`);
  return lines.join('\n');
}

function describe(task: ShownTask, index: number): string {
  return `${index + 1}. ${JSON.stringify(task.title)} (id ${task.id}${task.completed ? ', done' : ''})`;
}
