import { expect } from 'chai';
import type { Task } from '../src/api.js';
import { chatUrl, parseServerMessage, reconnectDelayMs } from '../src/chat.js';
import { fromDateTimeLocal, isOverdue, toDateTimeLocal } from '../src/dates.js';
import { isExpired, SessionStore, tokenExpiry, type KeyValueStorage } from '../src/session.js';
import { applyTaskChange, compareTasks, filterToStatus, matchesView, summarize } from '../src/tasks.js';
import { formatLogLine } from '../dev/stack.js';

function task(overrides: Partial<Task> & { id: string }): Task {
  return {
    title: overrides.id,
    description: '',
    completed: false,
    dueAt: null,
    priority: 'medium',
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function jwt(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA', kid: 'k1' })}.${part(claims)}.c2lnbmF0dXJl`;
}

class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

describe('frontend task list logic', () => {
  it('maps the Done filter to the API status "completed"', () => {
    expect(filterToStatus('all')).to.equal('all');
    expect(filterToStatus('pending')).to.equal('pending');
    expect(filterToStatus('done')).to.equal('completed');
  });

  it('decides view membership by filter and case-insensitive search in title or description', () => {
    const open = task({ id: 'a', title: 'Water the Plants' });
    const done = task({ id: 'b', title: 'Pay rent', description: 'landlord', completed: true });
    expect(matchesView(open, 'pending', '')).to.equal(true);
    expect(matchesView(done, 'pending', '')).to.equal(false);
    expect(matchesView(open, 'done', '')).to.equal(false);
    expect(matchesView(done, 'done', 'LANDLORD')).to.equal(true);
    expect(matchesView(open, 'all', 'plants')).to.equal(true);
    expect(matchesView(open, 'all', 'rent')).to.equal(false);
  });

  it('orders pending first, then soonest due, undated last, then newest', () => {
    const tasks = [
      task({ id: 'done', completed: true, dueAt: '2026-01-01T00:00:00.000Z' }),
      task({ id: 'undated-old', createdAt: '2026-01-01T00:00:00.000Z' }),
      task({ id: 'undated-new', createdAt: '2026-02-01T00:00:00.000Z' }),
      task({ id: 'later', dueAt: '2026-03-02T00:00:00.000Z' }),
      task({ id: 'sooner', dueAt: '2026-03-01T00:00:00.000Z' }),
    ];
    expect([...tasks].sort(compareTasks).map((t) => t.id)).to.deep.equal(['sooner', 'later', 'undated-new', 'undated-old', 'done']);
  });

  it('applies a change in place, and drops a task that left the view', () => {
    const a = task({ id: 'a' });
    const b = task({ id: 'b', dueAt: '2026-03-01T00:00:00.000Z' });
    const completedA = { ...a, completed: true };
    expect(applyTaskChange([a, b], completedA, 'all', '').map((t) => [t.id, t.completed])).to.deep.equal([
      ['b', false],
      ['a', true],
    ]);
    expect(applyTaskChange([a, b], completedA, 'pending', '').map((t) => t.id)).to.deep.equal(['b']);
    expect(applyTaskChange([b], task({ id: 'c', title: 'new' }), 'all', 'zzz').map((t) => t.id)).to.deep.equal(['b']);
  });

  it('summarizes pending and done counts', () => {
    expect(summarize([task({ id: 'a' }), task({ id: 'b', completed: true }), task({ id: 'c' })])).to.deep.equal({ pending: 2, done: 1 });
  });
});

describe('frontend due dates', () => {
  it('round-trips ISO instants through the datetime-local value', () => {
    const iso = fromDateTimeLocal('2026-11-23T17:05');
    expect(iso).to.equal(new Date(2026, 10, 23, 17, 5).toISOString());
    expect(toDateTimeLocal(iso!)).to.equal('2026-11-23T17:05');
  });

  it('treats empty as no due date and rejects malformed or impossible dates', () => {
    expect(fromDateTimeLocal('')).to.equal(null);
    expect(fromDateTimeLocal('tomorrow')).to.equal(undefined);
    expect(fromDateTimeLocal('2026-02-30T10:00')).to.equal(undefined);
    expect(toDateTimeLocal(null)).to.equal('');
    expect(toDateTimeLocal('not a date')).to.equal('');
  });

  it('marks overdue only for unfinished tasks', () => {
    const now = new Date(2026, 10, 22, 12, 0);
    expect(isOverdue(new Date(2026, 10, 21).toISOString(), false, now)).to.equal(true);
    expect(isOverdue(new Date(2026, 10, 21).toISOString(), true, now)).to.equal(false);
    expect(isOverdue(null, false, now)).to.equal(false);
  });
});

describe('frontend session', () => {
  it('reads exp from a JWT and judges expiry', () => {
    const token = jwt({ sub: 'u1', exp: 2_000_000_000 });
    expect(tokenExpiry(token)).to.equal(2_000_000_000);
    expect(isExpired(token, 2_000_000_000 * 1000 - 1)).to.equal(false);
    expect(isExpired(token, 2_000_000_000 * 1000)).to.equal(true);
    expect(tokenExpiry('garbage')).to.equal(null);
    expect(tokenExpiry(jwt({ sub: 'u1' }))).to.equal(null);
    expect(isExpired(jwt({ sub: 'u1' }), Date.now())).to.equal(false);
  });

  it('stores, loads and clears the session; drops unreadable data', () => {
    const storage = new MemoryStorage();
    const store = new SessionStore(storage);
    expect(store.load()).to.equal(null);
    store.save({ token: 'a.b.c', email: 'me@example.com' });
    expect(store.load()).to.deep.equal({ token: 'a.b.c', email: 'me@example.com' });
    store.clear();
    expect(storage.data.size).to.equal(0);
    storage.setItem('todo.session', '{not json');
    expect(store.load()).to.equal(null);
    expect(storage.data.size).to.equal(0);
  });
});

describe('frontend chat protocol', () => {
  it('parses every server message of the contract', () => {
    expect(
      parseServerMessage(JSON.stringify({ type: 'reply', id: 'm1', text: 'Added “water the plants”.', tasks: [{ id: 't' }] })),
    ).to.deep.equal({
      type: 'reply',
      id: 'm1',
      text: 'Added “water the plants”.',
      touchesTasks: true,
    });
    expect(parseServerMessage(JSON.stringify({ type: 'reply', id: 'm2', text: 'Hi' }))).to.deep.include({ touchesTasks: false });
    expect(
      parseServerMessage(
        JSON.stringify({
          type: 'history',
          messages: [
            { role: 'user', text: 'hi' },
            { role: 'system', text: 'x' },
            { role: 'assistant', text: 'hello' },
          ],
        }),
      ),
    ).to.deep.equal({
      type: 'history',
      messages: [
        { role: 'user', text: 'hi' },
        { role: 'assistant', text: 'hello' },
      ],
    });
    expect(parseServerMessage('{"type":"tasks-changed"}')).to.deep.equal({ type: 'tasks-changed' });
    expect(parseServerMessage(JSON.stringify({ type: 'error', id: 'm3', code: 'rate_limited', message: 'Slow down.' }))).to.deep.equal({
      type: 'error',
      id: 'm3',
      code: 'rate_limited',
      message: 'Slow down.',
    });
  });

  it('ignores anything else', () => {
    for (const frame of ['not json', '[]', 'null', '{"type":"reply"}', '{"type":"unknown"}', '{"type":"history","messages":3}']) {
      expect(parseServerMessage(frame), frame).to.equal(null);
    }
    expect(parseServerMessage(new ArrayBuffer(2))).to.equal(null);
  });

  it('connects to the same origin, wss under https', () => {
    expect(chatUrl({ protocol: 'https:', host: 'todo.example.com' })).to.equal('wss://todo.example.com/ws');
    expect(chatUrl({ protocol: 'http:', host: 'localhost:3000' })).to.equal('ws://localhost:3000/ws');
  });

  it('backs off reconnects from 0.5 s to at most 15 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs)).to.deep.equal([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });
});

describe('frontend dev stack log lines', () => {
  it('turns pino JSON into one readable line and passes other text through', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 1, 12, 3, 4),
      pid: 1,
      hostname: 'h',
      service: 'todo-api',
      msg: 'todo-api listening',
      port: 8080,
    });
    expect(formatLogLine(line)).to.equal('12:03:04 INFO  todo-api listening port=8080');
    expect(formatLogLine(JSON.stringify({ level: 50, time: 0, msg: 'boom', err: { message: 'x' } }))).to.equal(
      '00:00:00 ERROR boom err={"message":"x"}',
    );
    expect(formatLogLine('plain text')).to.equal('plain text');
    expect(formatLogLine('[1,2]')).to.equal('[1,2]');
  });
});
