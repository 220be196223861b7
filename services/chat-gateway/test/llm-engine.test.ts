import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../src/config.js';
import type { ConversationContext, Interpretation, ShownTask } from '../src/intent/engine.js';
import { LlmIntentEngine, type FallbackReason } from '../src/intent/llm-engine.js';
import { RuleBasedIntentEngine } from '../src/intent/rule-based-engine.js';
import { TOOL_SCHEMAS } from '../src/intent/tools.js';
import { validateToolCall } from '../src/intent/tool-call-validation.js';
import { FIXTURE, NOW, TIME_ZONE, loadAll } from '../corpus/evaluate.js';
import { ChatCompletionsServer, raw, status, textAnswer, toolCall, toolCalls } from './chat-completions-server.js';

const KEY = 'sk-test-4f0c2b9e-never-logged';
const rules = new RuleBasedIntentEngine();
const shown = (...titles: string[]): ShownTask[] => titles.map((title, i) => ({ id: `task-${i + 1}`, title, completed: false }));
const context = (lastShownTasks: ShownTask[] = [], extra: Partial<ConversationContext> = {}): ConversationContext => ({
  lastShownTasks,
  now: new Date('2026-12-07T10:00:00Z'),
  timeZone: 'Europe/Paris',
  ...extra,
});

describe('LLM intent engine against a chat-completions server', () => {
  let model: ChatCompletionsServer;
  let fallbacks: { reason: FallbackReason; detail: string }[];
  let outcomes: string[];
  let seconds: number[];
  let engine: LlmIntentEngine;
  before(async () => {
    model = await ChatCompletionsServer.start();
  });
  after(async () => model?.close());
  beforeEach(() => {
    model.requests.length = 0;
    fallbacks = [];
    outcomes = [];
    seconds = [];
    engine = new LlmIntentEngine({
      baseUrl: model.baseUrl,
      model: 'test-model',
      apiKey: KEY,
      timeoutMs: 300,
      fallback: rules,
      observer: {
        request: (outcome, s) => {
          outcomes.push(outcome);
          seconds.push(s);
        },
        fallback: (reason, detail) => fallbacks.push({ reason, detail }),
      },
    });
  });

  it('sends the sentence, the context and the tool schemas, and returns the validated tool call', async () => {
    model.answer(toolCall('add_task', { title: 'Buy bread', dueAt: '2026-12-08T17:00:00+01:00', priority: 'high' }));
    const result = await engine.interpret('bread tomorrow at 5pm, urgent', context(shown('Call mom'), { lastTaskId: 'task-1' }));
    expect(result).to.deep.equal({
      kind: 'tool',
      name: 'add_task',
      args: { title: 'Buy bread', dueAt: '2026-12-08T17:00:00+01:00', priority: 'high' },
    });
    expect(fallbacks).to.deep.equal([]);
    expect(outcomes).to.deep.equal(['ok']);
    const [request] = model.requests;
    expect(request!.path).to.equal('/v1/chat/completions');
    expect(request!.headers.authorization).to.equal(`Bearer ${KEY}`);
    expect(request!.body).to.include({ model: 'test-model', tool_choice: 'auto', temperature: 0 });
    expect(request!.body.tools).to.deep.equal(
      TOOL_SCHEMAS.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })),
    );
    const [system, user] = request!.body.messages;
    expect(user).to.deep.equal({ role: 'user', content: 'bread tomorrow at 5pm, urgent' });
    expect(system.role).to.equal('system');
    expect(system.content)
      .to.include('2026-12-07T10:00:00.000Z')
      .and.include('Europe/Paris')
      .and.include('1. "Call mom" (id task-1)')
      .and.include('id task-1 (“it”');
  });

  it('sends no authorization header without a key', async () => {
    const keyless = new LlmIntentEngine({ baseUrl: `${model.baseUrl}/`, model: 'local', timeoutMs: 300, fallback: rules });
    model.answer(toolCall('help', {}));
    expect(await keyless.interpret('what can you do', context())).to.deep.equal({ kind: 'tool', name: 'help', args: {} });
    expect(model.requests[0]!.headers).to.not.have.property('authorization');
    expect(model.requests[0]!.path).to.equal('/v1/chat/completions');
  });

  const fallbackCases: {
    name: string;
    answer: Parameters<ChatCompletionsServer['answer']>[0];
    reason: FallbackReason;
    outcome?: string;
  }[] = [
    { name: 'a timeout', answer: (res) => model.hang(res), reason: 'timeout', outcome: 'timeout' },
    { name: 'an HTTP 500', answer: status(500), reason: 'http_error', outcome: 'http_error' },
    { name: 'an HTTP 429', answer: status(429), reason: 'http_error', outcome: 'http_error' },
    { name: 'a body that is not JSON', answer: raw('<html>bad gateway</html>'), reason: 'malformed', outcome: 'ok' },
    { name: 'JSON without choices', answer: raw('{"object":"chat.completion"}'), reason: 'malformed', outcome: 'ok' },
    { name: 'a text answer', answer: textAnswer('Sure, I added it!'), reason: 'no_tool_call', outcome: 'ok' },
    {
      name: 'two tool calls',
      answer: toolCalls({ name: 'add_task', arguments: { title: 'a' } }, { name: 'add_task', arguments: { title: 'b' } }),
      reason: 'several_tool_calls',
    },
    {
      name: 'arguments against the schema',
      answer: toolCall('add_task', { title: 'Buy milk', priority: 'extreme' }),
      reason: 'invalid_tool_call',
    },
    { name: 'arguments that are not JSON', answer: toolCall('add_task', '{"title": "Buy milk"'), reason: 'invalid_tool_call' },
    {
      name: 'a date that is not ISO 8601',
      answer: toolCall('add_task', { title: 'Buy milk', dueAt: 'tomorrow' }),
      reason: 'invalid_tool_call',
    },
    { name: 'an unknown tool', answer: toolCall('drop_database', {}), reason: 'invalid_tool_call' },
    { name: 'a bulk action', answer: toolCall('clear_completed', {}), reason: 'bulk_action' },
    // The list arguments and the relative shift of the tool layer, each broken one way.
    {
      name: 'a due range without its label',
      answer: toolCall('list_tasks', {
        filter: 'pending',
        dueBetween: { from: '2026-12-08T00:00:00+01:00', to: '2026-12-09T00:00:00+01:00' },
      }),
      reason: 'invalid_tool_call',
    },
    {
      name: 'a due range bound that is not ISO 8601',
      answer: toolCall('list_tasks', {
        filter: 'pending',
        dueBetween: { from: 'tomorrow', to: '2026-12-09T00:00:00+01:00', label: 'tomorrow' },
      }),
      reason: 'invalid_tool_call',
    },
    { name: 'a count that is not a boolean', answer: toolCall('list_tasks', { filter: 'all', count: 'yes' }), reason: 'invalid_tool_call' },
    {
      name: 'a list priority out of the enum',
      answer: toolCall('list_tasks', { filter: 'all', priority: 'urgent' }),
      reason: 'invalid_tool_call',
    },
    {
      name: 'no due date and a due range at once',
      answer: toolCall('list_tasks', {
        filter: 'pending',
        undated: true,
        dueBetween: { from: '2026-12-08T00:00:00+01:00', to: '2026-12-09T00:00:00+01:00', label: 'tomorrow' },
      }),
      reason: 'invalid_tool_call',
    },
    {
      name: 'a shift of a fraction of a millisecond',
      answer: toolCall('update_task', { task: { position: 1 }, shiftDueBy: { ms: 0.5, months: 0 } }),
      reason: 'invalid_tool_call',
    },
    {
      name: 'a shift past any date (new Date would throw)',
      answer: toolCall('update_task', { task: { position: 1 }, shiftDueBy: { ms: 9e15, months: 0 } }),
      reason: 'invalid_tool_call',
    },
    {
      name: 'a shift of a thousand months',
      answer: toolCall('update_task', { task: { position: 1 }, shiftDueBy: { ms: 0, months: 1000 } }),
      reason: 'invalid_tool_call',
    },
    {
      name: 'a shift without months',
      answer: toolCall('update_task', { task: { position: 1 }, shiftDueBy: { ms: 86_400_000 } }),
      reason: 'invalid_tool_call',
    },
    {
      name: 'a shift and a new due date at once',
      answer: toolCall('update_task', { task: { position: 1 }, dueAt: null, shiftDueBy: { ms: 86_400_000, months: 0 } }),
      reason: 'invalid_tool_call',
    },
  ];
  for (const { name, answer, reason, outcome } of fallbackCases) {
    it(`falls back to the rules on ${name} (${reason})`, async () => {
      model.answer(answer);
      const result = await engine.interpret('add buy milk', context());
      expect(result).to.deep.equal(rules.interpret('add buy milk', context()));
      expect(fallbacks.map((f) => f.reason)).to.deep.equal([reason]);
      if (outcome) expect(outcomes).to.deep.equal([outcome]);
      // The model call is bounded by timeoutMs (300 ms here), with room for a busy machine.
      expect(
        seconds.every((s) => s < 1.2),
        `model call took ${seconds.join(', ')} s`,
      ).to.equal(true);
      if (reason === 'timeout') expect(seconds[0]).to.be.at.least(0.29);
    });
  }

  describe('the arguments the rules use, offered to the model too', () => {
    const calls = [
      [
        'list_tasks',
        {
          filter: 'pending',
          dueBetween: { from: '2026-12-07T23:00:00.000Z', to: '2026-12-08T23:00:00.000Z', label: 'tomorrow' },
          priority: 'high',
        },
      ],
      ['list_tasks', { filter: 'completed', count: true }],
      ['list_tasks', { filter: 'pending', undated: true }],
      ['update_task', { task: { position: 2 }, shiftDueBy: { ms: -172_800_000, months: 0 } }],
      ['update_task', { task: { title: 'flights' }, shiftDueBy: { ms: 0, months: 1 } }],
    ] as const;
    for (const [name, args] of calls) {
      it(`takes ${name} ${JSON.stringify(args)}`, async () => {
        model.answer(toolCall(name, args));
        expect(await engine.interpret('whatever the user said', context(shown('Buy milk', 'Book flights')))).to.deep.equal({
          kind: 'tool',
          name,
          args,
        });
        expect(fallbacks).to.deep.equal([]);
      });
    }

    it('describes every call the rule engine makes on the whole corpus (991 sentences)', () => {
      const checked = new Set<string>();
      for (const c of loadAll()) {
        const ctx = { lastShownTasks: FIXTURE, now: NOW, timeZone: TIME_ZONE, ...(c.context.it ? { lastTaskId: c.context.it } : {}) };
        const interpretation = rules.interpret(c.sentence, ctx) as Interpretation;
        const made = interpretation.kind === 'tool' ? [interpretation] : interpretation.kind === 'batch' ? interpretation.calls : [];
        for (const call of made) {
          const verdict = validateToolCall(call.name, JSON.stringify(call.args));
          expect(verdict, `“${c.sentence}” → ${call.name} ${JSON.stringify(call.args)}`).to.have.property('call');
          checked.add(`${call.name} ${Object.keys(call.args).sort().join(',')}`);
        }
      }
      // The newer arguments are among those checked, so the schemas cannot drift from the tool layer unseen.
      for (const shape of [
        'list_tasks count,filter',
        'list_tasks dueBetween,filter',
        'list_tasks filter,priority',
        'list_tasks filter,undated',
        'update_task shiftDueBy,task',
      ])
        expect([...checked]).to.include(shape);
    });
  });

  it('falls back when the endpoint cannot be reached', async () => {
    const gone = new LlmIntentEngine({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      timeoutMs: 300,
      fallback: rules,
      observer: { request: (o) => outcomes.push(o), fallback: (reason, detail) => fallbacks.push({ reason, detail }) },
    });
    expect(await gone.interpret('show my tasks', context())).to.deep.equal(rules.interpret('show my tasks', context()));
    expect(fallbacks.map((f) => f.reason)).to.deep.equal(['unreachable']);
  });

  describe('destructive calls', () => {
    const list = shown('Buy milk', 'Buy oat milk', 'Call mom');
    for (const [name, args] of [
      ['delete_task by a title two tasks contain', { task: { title: 'milk' } }],
      ['delete_task by a title no shown task has', { task: { title: 'Pay rent' } }],
      ['delete_task by a position past the list', { task: { position: 4 } }],
      ['complete_task by an id the user has not seen', { task: { id: 'task-99' } }],
    ] as const) {
      it(`does not run ${name}: the rules answer instead`, async () => {
        const tool = name.split(' ')[0]!;
        model.answer(toolCall(tool, args));
        const ctx = context(list);
        expect(await engine.interpret('delete milk', ctx)).to.deep.equal(rules.interpret('delete milk', ctx));
        expect(fallbacks.map((f) => f.reason)).to.deep.equal(['ambiguous_target']);
      });
    }

    for (const [reference, id] of [
      [{ position: 2 }, 'task-2'],
      [{ position: -1 }, 'task-3'],
      [{ title: 'buy OAT milk' }, 'task-2'],
      [{ id: 'task-1' }, 'task-1'],
    ] as const) {
      it(`runs delete_task on exactly one known task (${JSON.stringify(reference)}), pinned to its id`, async () => {
        model.answer(toolCall('delete_task', { task: reference }));
        expect(await engine.interpret('delete that', context(list))).to.deep.equal({
          kind: 'tool',
          name: 'delete_task',
          args: { task: { id } },
        });
        expect(fallbacks).to.deep.equal([]);
      });
    }

    it('takes the task of the previous action as known', async () => {
      model.answer(toolCall('complete_task', { task: { id: 'task-7' } }));
      expect(await engine.interpret('it is done', context([], { lastTaskId: 'task-7' }))).to.deep.equal({
        kind: 'tool',
        name: 'complete_task',
        args: { task: { id: 'task-7' } },
      });
    });

    it('leaves the answer to a pending “which one?” to the rules, without asking the model', async () => {
      const pending = { kind: 'tool', name: 'delete_task', args: { task: { title: 'milk' } } } as const;
      const ctx = context(list.slice(0, 2), { pendingCall: pending });
      expect(await engine.interpret('2', ctx)).to.deep.equal(rules.interpret('2', ctx));
      expect(model.requests).to.deep.equal([]);
    });
  });
});

describe('LLM engine configuration', () => {
  it('is off by default', () => {
    const config = loadConfig({});
    expect(config).to.not.have.any.keys('llmBaseUrl', 'llmModel', 'llmApiKey');
    expect(config.llmTimeoutMs).to.equal(4000);
  });

  it('reads the base URL, model, timeout, and the key from LLM_API_KEY_FILE', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-key-'));
    try {
      await writeFile(path.join(dir, 'key'), `${KEY}\n`);
      const config = loadConfig({
        LLM_BASE_URL: 'https://llm.example.com/v1',
        LLM_MODEL: 'gpt-test',
        LLM_TIMEOUT_MS: '2500',
        LLM_API_KEY_FILE: path.join(dir, 'key'),
      });
      expect(config).to.include({ llmBaseUrl: 'https://llm.example.com/v1', llmModel: 'gpt-test', llmTimeoutMs: 2500, llmApiKey: KEY });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const [env, message] of [
    [{ LLM_BASE_URL: 'https://llm.example.com/v1' }, 'llmModel (LLM_MODEL) must be set when llmBaseUrl (LLM_BASE_URL) is'],
    [{ LLM_BASE_URL: 'llm.example.com', LLM_MODEL: 'm' }, 'llmBaseUrl must be an http(s) URL, got "llm.example.com"'],
    [{ LLM_TIMEOUT_MS: '10' }, 'LLM_TIMEOUT_MS must be an integer in [100, 120000], got "10"'],
  ] as const) {
    it(`refuses ${JSON.stringify(env)} naming the setting`, () => {
      expect(() => loadConfig(env)).to.throw(message);
    });
  }
});
