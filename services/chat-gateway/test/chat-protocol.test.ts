import { expect } from 'chai';
import { MAX_SAY_TEXT, parseClientMessage, parseServerMessage } from '../../shared/chat-protocol.js';
import { isValidTimeZone } from '../src/intent/dates.js';

describe('shared chat protocol (todo-chat.v1)', () => {
  describe('client → server', () => {
    const parse = (frame: unknown) => parseClientMessage(typeof frame === 'string' ? frame : JSON.stringify(frame), isValidTimeZone);

    it('accepts a say message, with or without a time zone', () => {
      expect(parse({ type: 'say', id: '1', text: 'show my tasks' })).to.deep.equal({
        ok: true,
        message: { type: 'say', id: '1', text: 'show my tasks' },
      });
      expect(parse({ type: 'say', id: '2', text: 'add x', timeZone: 'Asia/Tokyo', extra: true })).to.deep.equal({
        ok: true,
        message: { type: 'say', id: '2', text: 'add x', timeZone: 'Asia/Tokyo' },
      });
    });

    for (const [frame, code, id] of [
      ['not json', 'bad_json', undefined],
      [[1, 2], 'bad_message', undefined],
      [null, 'bad_message', undefined],
      [{ type: 'shout', id: 'x' }, 'unknown_type', 'x'],
      [{ type: 'say', text: 'hi' }, 'bad_message', undefined],
      [{ type: 'say', id: '', text: 'hi' }, 'bad_message', ''],
      [{ type: 'say', id: 'i'.repeat(101), text: 'hi' }, 'bad_message', 'i'.repeat(101)],
      [{ type: 'say', id: 'a', text: '   ' }, 'bad_message', 'a'],
      [{ type: 'say', id: 'a', text: 'x'.repeat(MAX_SAY_TEXT + 1) }, 'bad_message', 'a'],
      [{ type: 'say', id: 'a', text: 'hi', timeZone: 'Mars/Olympus' }, 'bad_message', 'a'],
      [{ type: 'say', id: 'a', text: 'hi', timeZone: 3 }, 'bad_message', 'a'],
    ] as const) {
      it(`refuses ${JSON.stringify(frame).slice(0, 60)} with ${code}`, () => {
        const result = parse(frame);
        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(result.error).to.include({ type: 'error', code });
        expect(result.error.id).to.equal(id);
        expect(result.error.message).to.be.a('string').and.not.equal('');
      });
    }
  });

  describe('server → client', () => {
    it('parses every message the gateway sends', () => {
      const task = { id: 't', title: 'Buy milk' };
      expect(parseServerMessage(JSON.stringify({ type: 'reply', id: 'm1', text: 'Added.', tasks: [task] }))).to.deep.equal({
        type: 'reply',
        id: 'm1',
        text: 'Added.',
        tasks: [task],
      });
      expect(parseServerMessage(JSON.stringify({ type: 'reply', id: 'm2', text: 'Hi' }))).to.deep.equal({
        type: 'reply',
        id: 'm2',
        text: 'Hi',
      });
      const entry = { id: 'c1', role: 'user', text: 'hi', createdAt: '2026-12-07T10:00:00.000Z' };
      expect(
        parseServerMessage(JSON.stringify({ type: 'history', messages: [entry, { role: 'system', text: 'x' }, 'junk'] })),
      ).to.deep.equal({ type: 'history', messages: [entry] });
      expect(parseServerMessage('{"type":"tasks-changed"}')).to.deep.equal({ type: 'tasks-changed' });
      expect(parseServerMessage(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'Slow down.' }))).to.deep.equal({
        type: 'error',
        code: 'rate_limited',
        message: 'Slow down.',
      });
    });

    it('returns null for anything outside the contract', () => {
      for (const frame of [
        'not json',
        '[]',
        'null',
        '{"type":"reply","text":"no id"}',
        '{"type":"reply","id":"1","text":"x","tasks":3}',
        '{"type":"history"}',
        '{"type":"error","code":"x"}',
        '{"type":"nope"}',
      ]) {
        expect(parseServerMessage(frame), frame).to.equal(null);
      }
      expect(parseServerMessage(new ArrayBuffer(2))).to.equal(null);
    });
  });
});
