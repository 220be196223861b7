import { expect } from 'chai';
import type { ConversationContext, Interpretation } from '../src/intent/engine.js';
import { RuleBasedIntentEngine, UNKNOWN_REPLY } from '../src/intent/rule-based-engine.js';
import type { ToolCall } from '../src/intent/tools.js';

/** Wednesday 18 November 2026, 11:00 in Paris (UTC+1). */
const now = new Date('2026-11-18T10:00:00Z');
const shown = [
  { id: 'a', title: 'Buy milk', completed: false },
  { id: 'b', title: 'Call mom', completed: true },
  { id: 'c', title: 'Pay rent', completed: false },
];
const context: ConversationContext = { lastShownTasks: shown, now, timeZone: 'Europe/Paris' };
const engine = new RuleBasedIntentEngine();

function interpret(text: string, overrides: Partial<ConversationContext> = {}): Interpretation {
  return engine.interpret(text, { ...context, ...overrides }) as Interpretation;
}

type Case = readonly [text: string, expected: ToolCall];
function table(title: string, cases: readonly Case[]): void {
  describe(title, () => {
    for (const [text, expected] of cases) {
      it(`“${text}”`, () => expect(interpret(text)).to.deep.equal(expected));
    }
  });
}
const tool = <N extends ToolCall['name']>(name: N, args: Extract<ToolCall, { name: N }>['args']) =>
  ({ kind: 'tool', name, args }) as ToolCall;

const endOfDayParis = (isoDay: string) => new Date(`${isoDay}T22:59:00.000Z`).toISOString();

describe('RuleBasedIntentEngine', () => {
  table('add_task', [
    ['add buy milk', tool('add_task', { title: 'Buy milk' })],
    ['Add "Buy oat milk" to my list', tool('add_task', { title: 'Buy oat milk' })],
    ['please add a task to water the plants', tool('add_task', { title: 'Water the plants' })],
    ['create a new task called file taxes', tool('add_task', { title: 'File taxes' })],
    ['new task: book flights', tool('add_task', { title: 'Book flights' })],
    ['todo: renew passport', tool('add_task', { title: 'Renew passport' })],
    ['remind me to call mom tomorrow at 5pm', tool('add_task', { title: 'Call mom', dueAt: '2026-11-19T16:00:00.000Z' })],
    ['add pay rent next friday', tool('add_task', { title: 'Pay rent', dueAt: endOfDayParis('2026-11-27') })],
    ['add dentist appointment in 3 days', tool('add_task', { title: 'Dentist appointment', dueAt: endOfDayParis('2026-11-21') })],
    [
      'add submit report by friday, urgent',
      tool('add_task', { title: 'Submit report', priority: 'high', dueAt: endOfDayParis('2026-11-20') }),
    ],
    ['add fix the bike with high priority', tool('add_task', { title: 'Fix the bike', priority: 'high' })],
    ['add clean garage, low priority', tool('add_task', { title: 'Clean garage', priority: 'low' })],
    ['add urgent: call the plumber', tool('add_task', { title: 'Call the plumber', priority: 'high' })],
    ["don't forget to buy stamps", tool('add_task', { title: 'Buy stamps' })],
    ['I need to email Sarah on monday at 9am', tool('add_task', { title: 'Email Sarah', dueAt: '2026-11-23T08:00:00.000Z' })],
    ['I have to pick up the kids today at 4pm', tool('add_task', { title: 'Pick up the kids', dueAt: '2026-11-18T15:00:00.000Z' })],
    ["add 'don't panic' tomorrow", tool('add_task', { title: "Don't panic", dueAt: endOfDayParis('2026-11-19') })],
    ['could you add water plants please?', tool('add_task', { title: 'Water plants' })],
    ['put buy bread on my list', tool('add_task', { title: 'Buy bread' })],
    ['add mark the report as done', tool('add_task', { title: 'Mark the report as done' })],
    ['remind me tomorrow to call the bank', tool('add_task', { title: 'Call the bank', dueAt: endOfDayParis('2026-11-19') })],
    ['create a reminder to stretch at 3 pm', tool('add_task', { title: 'Stretch', dueAt: '2026-11-18T14:00:00.000Z' })],
    ['add meeting with Bob tomorrow morning', tool('add_task', { title: 'Meeting with Bob', dueAt: '2026-11-19T05:00:00.000Z' })],
    // Fixed with issue 14: the end of a day in May is 23:59 summer time (UTC+2), not 00:59 the next day.
    ['add book club in may', tool('add_task', { title: 'Book club', dueAt: '2027-05-01T21:59:00.000Z' })],
    ['add call the dentist may 3 at 10am', tool('add_task', { title: 'Call the dentist', dueAt: '2027-05-03T08:00:00.000Z' })],
  ]);

  table('list_tasks', [
    ['show my tasks', tool('list_tasks', { filter: 'all' })],
    ['list', tool('list_tasks', { filter: 'all' })],
    ["what's on my list?", tool('list_tasks', { filter: 'all' })],
    ['tasks', tool('list_tasks', { filter: 'all' })],
    ['show me everything', tool('list_tasks', { filter: 'all' })],
    ['what do I still have to do?', tool('list_tasks', { filter: 'pending' })],
    ['show pending tasks', tool('list_tasks', { filter: 'pending' })],
    ["what's left", tool('list_tasks', { filter: 'pending' })],
    ['list unfinished tasks', tool('list_tasks', { filter: 'pending' })],
    ['show completed tasks', tool('list_tasks', { filter: 'completed' })],
    ['what have I done?', tool('list_tasks', { filter: 'completed' })],
    ['list done', tool('list_tasks', { filter: 'completed' })],
    ["what's due today?", tool('list_tasks', { filter: 'due_today' })],
    ["show today's tasks", tool('list_tasks', { filter: 'due_today' })],
    ['anything overdue?', tool('list_tasks', { filter: 'overdue' })],
    ['which tasks are late', tool('list_tasks', { filter: 'overdue' })],
    ['overdue', tool('list_tasks', { filter: 'overdue' })],
    ["what's next?", tool('list_tasks', { filter: 'pending' })],
    // Changed by issue 14: “how many …” counts (what is left to do) instead of listing everything.
    ['how many tasks do I have', tool('list_tasks', { filter: 'pending', count: true })],
    // Added after held-out-4: lists of the tasks without a due date.
    ['show tasks without a due date', tool('list_tasks', { filter: 'pending', undated: true })],
    ['what has no deadline', tool('list_tasks', { filter: 'pending', undated: true })],
    ['how many are undated', tool('list_tasks', { filter: 'pending', undated: true, count: true })],
  ]);

  table('complete_task', [
    ['complete 2', tool('complete_task', { task: { position: 2 } })],
    ['mark 3 as done', tool('complete_task', { task: { position: 3 } })],
    ['mark the second one done', tool('complete_task', { task: { position: 2 } })],
    ['done with #1', tool('complete_task', { task: { position: 1 } })],
    ['tick off the last one', tool('complete_task', { task: { position: -1 } })],
    ['check off buy milk', tool('complete_task', { task: { title: 'buy milk' } })],
    ['I finished the rent', tool('complete_task', { task: { title: 'rent' } })],
    ["I've done task 3", tool('complete_task', { task: { position: 3 } })],
    ['milk is done', tool('complete_task', { task: { title: 'milk' } })],
    ['cross milk off my list', tool('complete_task', { task: { title: 'milk' } })],
    ['finish the first task', tool('complete_task', { task: { position: 1 } })],
  ]);

  table('reopen_task', [
    ['reopen 2', tool('reopen_task', { task: { position: 2 } })],
    ['uncheck call mom', tool('reopen_task', { task: { title: 'call mom' } })],
    ['mark 2 as not done', tool('reopen_task', { task: { position: 2 } })],
    ['mark the second one as pending again', tool('reopen_task', { task: { position: 2 } })],
    ["call mom isn't done yet", tool('reopen_task', { task: { title: 'call mom' } })],
    ["I didn't finish the rent after all", tool('reopen_task', { task: { title: 'rent' } })],
    ['undo #2', tool('reopen_task', { task: { position: 2 } })],
  ]);

  table('update_task: rename', [
    ['rename 1 to buy oat milk', tool('update_task', { task: { position: 1 }, title: 'Buy oat milk' })],
    ['rename milk to "Buy oat milk"', tool('update_task', { task: { title: 'milk' }, title: 'Buy oat milk' })],
    ['change the title of the third one to pay the landlord', tool('update_task', { task: { position: 3 }, title: 'Pay the landlord' })],
    ['change 2 to call dad', tool('update_task', { task: { position: 2 }, title: 'Call dad' })],
  ]);

  table('update_task: due date', [
    ['move 2 to friday', tool('update_task', { task: { position: 2 }, dueAt: endOfDayParis('2026-11-20') })],
    ['reschedule rent to next monday at 10am', tool('update_task', { task: { title: 'rent' }, dueAt: '2026-11-23T09:00:00.000Z' })],
    ['postpone the first one until tomorrow', tool('update_task', { task: { position: 1 }, dueAt: endOfDayParis('2026-11-19') })],
    ['set the due date of milk to in 3 days', tool('update_task', { task: { title: 'milk' }, dueAt: endOfDayParis('2026-11-21') })],
    ['3 is due tomorrow at 5pm', tool('update_task', { task: { position: 3 }, dueAt: '2026-11-19T16:00:00.000Z' })],
    ['change 1 to next friday', tool('update_task', { task: { position: 1 }, dueAt: endOfDayParis('2026-11-27') })],
    ['remove the due date from 2', tool('update_task', { task: { position: 2 }, dueAt: null })],
    ['no deadline for rent', tool('update_task', { task: { title: 'rent' }, dueAt: null })],
  ]);

  table('update_task: priority', [
    ['make 2 urgent', tool('update_task', { task: { position: 2 }, priority: 'high' })],
    ['mark milk as high priority', tool('update_task', { task: { title: 'milk' }, priority: 'high' })],
    ['set the priority of 3 to low', tool('update_task', { task: { position: 3 }, priority: 'low' })],
    ['lower the priority of the first one', tool('update_task', { task: { position: 1 }, priority: 'low' })],
    ['prioritize rent', tool('update_task', { task: { title: 'rent' }, priority: 'high' })],
    ['milk is not urgent', tool('update_task', { task: { title: 'milk' }, priority: 'low' })],
    ['change 1 to medium priority', tool('update_task', { task: { position: 1 }, priority: 'medium' })],
  ]);

  table('delete_task', [
    ['delete 3', tool('delete_task', { task: { position: 3 } })],
    ['remove buy milk', tool('delete_task', { task: { title: 'buy milk' } })],
    ['get rid of the second one', tool('delete_task', { task: { position: 2 } })],
    ['forget about the rent', tool('delete_task', { task: { title: 'rent' } })],
    ['cancel task 1', tool('delete_task', { task: { position: 1 } })],
    ['remove milk from my list', tool('delete_task', { task: { title: 'milk' } })],
  ]);

  table('clear_completed', [
    ['clear completed', tool('clear_completed', {})],
    ['delete all completed tasks', tool('clear_completed', {})],
    ['remove the done ones', tool('clear_completed', {})],
    ['clean up finished tasks', tool('clear_completed', {})],
    ['get rid of all the finished todos', tool('clear_completed', {})],
  ]);

  table('help', [
    ['help', tool('help', {})],
    ['what can you do?', tool('help', {})],
    ['How does this work', tool('help', {})],
  ]);

  describe('references in context', () => {
    it('“it” means the task the previous action was about', () => {
      expect(interpret('make it urgent', { lastTaskId: 'c' })).to.deep.equal(tool('update_task', { task: { id: 'c' }, priority: 'high' }));
    });
    it('“it” without a previous task asks which one', () => {
      expect(interpret('delete it')).to.deep.equal({
        kind: 'clarify',
        question: 'Which task should I delete? Say its number or part of its title.',
      });
    });
    it('a bare number answers a pending “which one?” question', () => {
      const pendingCall = tool('delete_task', { task: { title: 'buy' } }) as Extract<ToolCall, { name: 'delete_task' }>;
      expect(interpret('2', { pendingCall })).to.deep.equal(tool('delete_task', { task: { position: 2 } }));
      expect(interpret('the first one', { pendingCall })).to.deep.equal(tool('delete_task', { task: { position: 1 } }));
      expect(interpret('I mean oat milk', { pendingCall })).to.deep.equal(tool('delete_task', { task: { title: 'oat milk' } }));
    });
    it('a new request wins over a pending question', () => {
      const pendingCall = tool('delete_task', { task: { title: 'buy' } }) as Extract<ToolCall, { name: 'delete_task' }>;
      expect(interpret('show my tasks', { pendingCall })).to.deep.equal(tool('list_tasks', { filter: 'all' }));
    });
  });

  describe('clarifications and unknown requests', () => {
    it('an add without a title asks for one', () => {
      expect(interpret('add tomorrow at 5pm')).to.deep.equal({ kind: 'clarify', question: 'What should the new task be called?' });
    });
    // Changed by issue 14: several tasks at once are carried out, no longer refused one at a time.
    it('“mark 2 and 3 as done” completes both', () => {
      expect(interpret('mark 2 and 3 as done')).to.deep.equal({
        kind: 'batch',
        calls: [tool('complete_task', { task: { position: 2 } }), tool('complete_task', { task: { position: 3 } })],
      });
    });
    it('“delete 2, 3 and 4” deletes the three', () => {
      const result = interpret('delete 2, 3 and 4');
      expect(result).to.deep.equal({ kind: 'batch', calls: [2, 3, 4].map((position) => tool('delete_task', { task: { position } })) });
    });
    for (const text of ['complete all', 'I finished everything', 'mark all of them as done']) {
      it(`“${text}” means every task of the list shown`, () => {
        expect(interpret(text)).to.deep.equal({ kind: 'batch', calls: shown.map((t) => tool('complete_task', { task: { id: t.id } })) });
      });
    }
    it('“everything due today” selects by the list filter', () => {
      expect(interpret('complete everything due today')).to.deep.equal({
        kind: 'each',
        name: 'complete_task',
        matching: { filter: 'due_today' },
      });
    });
    // Changed by issue 14: small talk gets its own polite answer (kind “chat”), not the fallback.
    it('thanks, greetings and goodbyes get a friendly answer and no action', () => {
      expect(interpret('thanks a lot!')).to.deep.equal({ kind: 'chat', reply: 'You’re welcome! Anything else on your list?' });
      for (const text of ['hello', 'hi', 'good morning']) expect(interpret(text)).to.include({ kind: 'chat' });
      for (const text of ['bye', 'see you later'])
        expect(interpret(text)).to.deep.equal({ kind: 'chat', reply: 'Bye! Your list will be here when you come back.' });
    });
    for (const text of ['what is the meaning of life', 'sing me a song', 'tell me a joke']) {
      it(`off-topic “${text}” gets a polite answer, no action`, () => {
        const result = interpret(text);
        expect(result.kind).to.equal('chat');
        expect((result as { reply: string }).reply).to.match(/^I can only help with your todo list/);
      });
    }
    it('an unreadable date asks again with examples', () => {
      expect(interpret('move 2 to whenever the cows come home')).to.deep.equal({
        kind: 'clarify',
        question: 'I could not read “whenever the cows come home” as a date. Try “tomorrow at 5pm”, “next friday” or “in 3 days”.',
      });
    });
    for (const text of ['', '   ', 'asdfgh', '42']) {
      it(`“${text}” gets a helpful answer, not an error`, () => {
        expect(interpret(text)).to.deep.equal({ kind: 'unknown', reply: UNKNOWN_REPLY });
      });
    }
  });

  // General faults held-out-4's first run revealed, each checked here with other phrasings than the corpus's.
  table('faults found by held-out-4', [
    // A priority phrase's connector needs a word boundary: "that urgent" lost its "at" (and the title its end).
    ['milk is not so important', tool('update_task', { task: { title: 'milk' }, priority: 'low' })],
    ['rent is not really urgent', tool('update_task', { task: { title: 'rent' }, priority: 'low' })],
    ['add fix the gate that leaks urgent', tool('add_task', { title: 'Fix the gate that leaks', priority: 'high' })],
    ['add buy a banana asap', tool('add_task', { title: 'Buy a banana', priority: 'high' })],
  ]);
  it('reads “that one” as the previous task and apostrophes left out (faults found by held-out-4)', () => {
    const it_ = { lastTaskId: 'c' };
    expect(interpret('make that one urgent', it_)).to.deep.equal(tool('update_task', { task: { id: 'c' }, priority: 'high' }));
    expect(interpret('this ones done', it_)).to.deep.equal(tool('complete_task', { task: { id: 'c' } }));
    expect(interpret('its not important', it_)).to.deep.equal(tool('update_task', { task: { id: 'c' }, priority: 'low' }));
  });
  it('takes more ways of saying “undo” (faults found by held-out-4)', () => {
    for (const text of ['sorry undo', 'my bad, undo that', 'thats not what i meant', "i didn't mean to"])
      expect(interpret(text), text).to.deep.equal({ kind: 'undo' });
  });
  it('counts when “how many” is mistyped (faults found by held-out-4)', () => {
    for (const text of ['hwo many tasks do i have', 'how mnay are done'])
      expect(interpret(text), text).to.have.nested.property('args.count', true);
    expect(interpret('hwo many tasks do i have')).to.have.nested.property('args.filter', 'pending');
    expect(interpret('how mnay are done')).to.have.nested.property('args.filter', 'completed');
  });

  it('reads dates in the user time zone', () => {
    expect(interpret('add standup tomorrow at 9am', { timeZone: 'America/New_York' })).to.deep.equal(
      tool('add_task', { title: 'Standup', dueAt: '2026-11-19T14:00:00.000Z' }),
    );
  });
});
