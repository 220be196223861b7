import { expect } from 'chai';
import { Conversation } from '../src/conversation.js';
import { formatDueForReply } from '../src/intent/reply-format.js';
import { RuleBasedIntentEngine } from '../src/intent/rule-based-engine.js';
import { TodoApiClient } from '../src/todo-api-client.js';
import { apiCall, register, startApi, type ApiStack } from './helpers.js';

/** Wednesday 18 November 2026, 11:00 in Paris. */
const NOW = new Date('2026-11-18T10:00:00Z');
const ZONE = 'Europe/Paris';
/** Due dates as replies write them, whatever the one format is (see reply-format.ts). */
const due = (iso: string) => formatDueForReply(iso, ZONE, NOW);
const THU = '2026-11-19T22:59:00.000Z';
const FRI = '2026-11-20T22:59:00.000Z';
const SUN = '2026-11-22T22:59:00.000Z';

/** The conversation against a real todo-api (PGlite), without the WebSocket layer: several tasks, undo, counts, numbering. */
describe('Conversation over a real todo-api', function () {
  this.timeout(20_000);
  let apiStack: ApiStack;
  before(async function () {
    this.timeout(120_000);
    apiStack = await startApi();
  });
  after(async () => apiStack?.stop());

  async function fresh(): Promise<{
    say: (text: string) => Promise<{ text: string; intent: string }>;
    tasks: () => Promise<{ title: string; completed: boolean; dueAt: string | null; priority: string }[]>;
  }> {
    const { token } = await register(apiStack.api.url);
    const conversation = new Conversation(new RuleBasedIntentEngine(), new TodoApiClient(apiStack.api.url, token, 5000), () => NOW);
    return {
      say: (text) => conversation.handle(text, ZONE),
      tasks: async () =>
        (
          (await apiCall(apiStack.api.url, token, 'GET', '/api/tasks?status=all')).body.items as {
            title: string;
            completed: boolean;
            dueAt: string | null;
            priority: string;
          }[]
        ).map(({ title, completed, dueAt, priority }) => ({ title, completed, dueAt, priority })),
    };
  }

  it('adds several tasks from one sentence and undoes them together', async () => {
    const { say, tasks } = await fresh();
    expect((await say('buy milk, eggs and bread tmrw')).text).to.equal(
      ['Buy milk', 'Buy eggs', 'Buy bread'].map((t) => `Added “${t}” (due ${due(THU)}).`).join(' '),
    );
    expect((await tasks()).map((t) => t.title).sort()).to.deep.equal(['Buy bread', 'Buy eggs', 'Buy milk']);
    expect((await say('scratch that')).text).to.match(/^Undone: Added “Buy milk”/);
    expect(await tasks()).to.deep.equal([]);
    expect((await say('undo')).text).to.equal('There is nothing to undo.');
  });

  it('numbers tasks in the web list order, completes several at once, and undoes a completion', async () => {
    const { say, tasks } = await fresh();
    await say('add pay rent friday');
    await say('add feed the cat');
    await say('add book flights tomorrow at 9am');
    const list = await say('show my tasks');
    expect(list.text).to.equal(
      `Here are your tasks (3):\n1. Book flights (due ${due('2026-11-19T08:00:00.000Z')})\n2. Pay rent (due ${due(FRI)})\n3. Feed the cat`,
    );
    expect((await say('i paid the rent')).text).to.equal('Marked “Pay rent” as done.');
    expect((await say('undo')).text).to.equal('Undone: Marked “Pay rent” as done.');
    expect((await say('complete 1 and 3')).text).to.equal('Marked “Book flights” as done. Marked “Feed the cat” as done.');
    expect(
      (await tasks())
        .filter((t) => t.completed)
        .map((t) => t.title)
        .sort(),
    ).to.deep.equal(['Book flights', 'Feed the cat']);
    expect((await say('how many tasks are left')).text).to.equal('Still open: 1 task.');
    expect((await say('how many did i finish')).text).to.equal('Done: 2 tasks.');
  });

  it('undoes a deletion by re-creating the task as it was', async () => {
    const { say, tasks } = await fresh();
    await say('add submit the report friday, urgent');
    const before = await tasks();
    expect((await say('delete the report')).text).to.equal('Deleted “Submit the report”.');
    expect(await tasks()).to.deep.equal([]);
    expect((await say('oops take that back')).text).to.equal('Undone: Deleted “Submit the report”.');
    expect(await tasks()).to.deep.equal(before);
  });

  it('moves a due date by a relative shift and shows what is due on a day', async () => {
    const { say, tasks } = await fresh();
    await say('add pay rent friday');
    expect((await say('push it back two days')).text).to.equal(`“Pay rent” is now due ${due(SUN)}.`);
    expect((await tasks())[0]!.dueAt).to.equal(SUN);
    expect((await say("what's due sunday")).text).to.equal(`Here is what is still open, due sunday (1):\n1. Pay rent (due ${due(SUN)})`);
    expect((await say("what's due tomorrow")).text).to.equal('No task matches (open, due tomorrow).');
  });

  it('lists and counts the tasks without a due date', async () => {
    const { say } = await fresh();
    await say('add pay rent friday');
    await say('add feed the cat');
    await say('add buy bread');
    expect((await say('show tasks without a due date')).text).to.equal(
      'Here is what is still open, without a due date (2):\n1. Buy bread\n2. Feed the cat',
    );
    expect((await say('how many have no deadline')).text).to.equal('Still open, without a due date: 2 tasks.');
    await say('complete 1');
    expect((await say('which tasks have no due date')).text).to.equal(
      'Here is what is still open, without a due date (1):\n1. Feed the cat',
    );
  });

  it('asks before acting on a spelling guess, then acts on “yes”', async () => {
    const { say, tasks } = await fresh();
    await say('add buy milk');
    expect((await say('mark by mlik as done')).text).to.equal('Did you mean “Buy milk”? Say yes or no.');
    expect((await tasks())[0]!.completed).to.equal(false);
    expect((await say('yes')).text).to.equal('Marked “Buy milk” as done.');
    expect((await say('hi')).intent).to.equal('chat');
  });
});
