import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { apiCall, ChatClient, register, sharedApi, startGateway, type ApiStack, type Stack } from './helpers.js';
import { ChatCompletionsServer, status, toolCall } from './chat-completions-server.js';

const KEY = 'sk-gateway-test-0b5e1d77-never-logged';

describe('chat-gateway with the LLM engine over a real todo-api', function () {
  this.timeout(30_000);
  let apiStack: ApiStack;
  let model: ChatCompletionsServer;
  let stack: Stack;
  let logs = '';
  before(async function () {
    this.timeout(120_000);
    apiStack = await sharedApi();
    model = await ChatCompletionsServer.start();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk;
        done();
      },
    });
    stack = await startGateway(
      apiStack,
      { llmBaseUrl: model.baseUrl, llmModel: 'test-model', llmApiKey: KEY, llmTimeoutMs: 500 },
      { logger: pino({ level: 'debug' }, sink) },
    );
  });
  after(async () => {
    await stack?.stop();
    await model?.close();
  });

  async function metric(series: string): Promise<number> {
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }
  const titles = async (token: string) =>
    ((await apiCall(stack.api.url, token, 'GET', '/api/tasks?status=all')).body.items as { title: string }[]).map((t) => t.title);

  it('acts on the model’s tool call through the API', async () => {
    const { token } = await register(stack.api.url);
    const client = await ChatClient.open(stack.gateway, token);
    await client.next((m) => m.type === 'history');
    model.answer(toolCall('add_task', { title: 'Buy bread', priority: 'high' }));
    expect((await client.say('we are out of bread, important')).text).to.equal('Added “Buy bread” (high priority).');
    expect(await titles(token)).to.deep.equal(['Buy bread']);
    expect(model.requests.at(-1)!.headers.authorization).to.equal(`Bearer ${KEY}`);
    expect(await metric('chat_gateway_llm_request_duration_seconds_count{outcome="ok"}')).to.be.at.least(1);
    client.close();
  });

  it('does not delete a task the user has not seen: the rules ask which one, and both tasks stay', async () => {
    const { token } = await register(stack.api.url);
    for (const title of ['Buy milk', 'Buy oat milk']) await apiCall(stack.api.url, token, 'POST', '/api/tasks', { title });
    const client = await ChatClient.open(stack.gateway, token);
    await client.next((m) => m.type === 'history');
    const before = await metric('chat_gateway_llm_fallbacks_total{reason="ambiguous_target"}');
    // No list shown yet: "1" would be the first task in the API's order, which the model cannot know.
    model.answer(toolCall('delete_task', { task: { position: 1 } }));
    const reply = await client.say('delete milk');
    expect(reply.text).to.match(/^Which one do you mean\?/);
    expect(await titles(token)).to.deep.equal(['Buy milk', 'Buy oat milk']);
    expect(await metric('chat_gateway_llm_fallbacks_total{reason="ambiguous_target"}')).to.equal(before + 1);
    // Once the list is shown, the same call means exactly one task, and runs.
    model.answer(toolCall('list_tasks', { filter: 'all' }));
    // The chat numbers tasks as the web list shows them (services/shared/task-order.ts): newest first.
    expect((await client.say('what do I have')).tasks!.map((t) => t.title)).to.deep.equal(['Buy oat milk', 'Buy milk']);
    model.answer(toolCall('delete_task', { task: { position: 1 } }));
    expect((await client.say('drop the first')).text).to.equal('Deleted “Buy oat milk”.');
    expect(await titles(token)).to.deep.equal(['Buy milk']);
    client.close();
  });

  it('answers with the rules when the model fails, counting why', async () => {
    const { token } = await register(stack.api.url);
    const client = await ChatClient.open(stack.gateway, token);
    await client.next((m) => m.type === 'history');
    const before = await metric('chat_gateway_llm_fallbacks_total{reason="http_error"}');
    model.answer(status(503));
    expect((await client.say('add water the plants')).text).to.equal('Added “Water the plants”.');
    expect(await metric('chat_gateway_llm_fallbacks_total{reason="http_error"}')).to.equal(before + 1);
    const timeoutsBefore = await metric('chat_gateway_llm_fallbacks_total{reason="timeout"}');
    model.answer((res) => model.hang(res));
    const started = Date.now();
    expect((await client.say('show my tasks')).tasks!.map((t) => t.title)).to.deep.equal(['Water the plants']);
    expect(Date.now() - started).to.be.below(3000); // llmTimeoutMs is 500
    expect(await metric('chat_gateway_llm_fallbacks_total{reason="timeout"}')).to.equal(timeoutsBefore + 1);
    client.close();
  });

  it('never logs the API key, even at debug', () => {
    expect(logs).to.include('LLM engine fell back to the rules');
    expect(logs).to.not.include(KEY);
  });
});
