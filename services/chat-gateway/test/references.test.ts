import { expect } from 'chai';
import { resolveTaskReference } from '../src/intent/references.js';

const task = (id: string, title: string, completed = false) => ({ id, title, completed });
const all = [task('a', 'Buy milk'), task('b', 'Buy bread', true), task('c', 'Call mom'), task('d', 'Buy milk powder')];

describe('resolveTaskReference', () => {
  it('counts positions in the list last shown, and from the end when negative', () => {
    const shown = [all[2]!, all[0]!];
    expect(resolveTaskReference({ position: 2 }, shown, all, 'delete_task')).to.deep.equal({ kind: 'found', task: all[0] });
    expect(resolveTaskReference({ position: -1 }, shown, all, 'delete_task')).to.deep.equal({ kind: 'found', task: all[0] });
  });
  it('counts in the full list when nothing was shown yet', () => {
    expect(resolveTaskReference({ position: 3 }, [], all, 'delete_task')).to.deep.equal({ kind: 'found', task: all[2] });
  });
  it('says how long the list is when the number is out of range', () => {
    expect(resolveTaskReference({ position: 9 }, [], all, 'delete_task')).to.deep.equal({
      kind: 'none',
      message: 'There is no task number 9 — the list has 4 tasks.',
    });
    expect(resolveTaskReference({ position: 1 }, [], [], 'delete_task')).to.deep.equal({ kind: 'none', message: 'You have no tasks yet.' });
  });
  it('reports a shown task that was deleted since', () => {
    expect(resolveTaskReference({ position: 1 }, [task('gone', 'Old thing')], all, 'complete_task')).to.deep.equal({
      kind: 'none',
      message: '“Old thing” no longer exists.',
    });
  });
  it('prefers an exact title over partial matches', () => {
    expect(resolveTaskReference({ title: 'buy milk' }, [], all, 'delete_task')).to.deep.equal({ kind: 'found', task: all[0] });
  });
  it('matches part of a title, ignoring case and punctuation', () => {
    expect(resolveTaskReference({ title: 'MOM!' }, [], all, 'delete_task')).to.deep.equal({ kind: 'found', task: all[2] });
  });
  it('matches words in any order as prefixes', () => {
    expect(resolveTaskReference({ title: 'powder milk' }, [], all, 'delete_task')).to.deep.equal({ kind: 'found', task: all[3] });
  });
  it('returns every candidate when a title is ambiguous', () => {
    expect(resolveTaskReference({ title: 'milk' }, [], all, 'delete_task')).to.deep.equal({ kind: 'ambiguous', matches: [all[0], all[3]] });
  });
  it('prefers open tasks to complete and done tasks to reopen', () => {
    expect(resolveTaskReference({ title: 'buy' }, [], all, 'reopen_task')).to.deep.equal({ kind: 'found', task: all[1] });
    expect(resolveTaskReference({ title: 'buy' }, [], all, 'complete_task')).to.deep.equal({
      kind: 'ambiguous',
      matches: [all[0], all[3]],
    });
  });
  it('says so when nothing matches', () => {
    expect(resolveTaskReference({ title: 'dentist' }, [], all, 'delete_task')).to.deep.equal({
      kind: 'none',
      message: 'I could not find a task matching “dentist”.',
    });
  });
  it('finds a task by id, or says it is gone', () => {
    expect(resolveTaskReference({ id: 'c' }, [], all, 'update_task')).to.deep.equal({ kind: 'found', task: all[2] });
    expect(resolveTaskReference({ id: 'zz' }, [], all, 'update_task')).to.deep.equal({
      kind: 'none',
      message: 'That task no longer exists.',
    });
  });
  it('matches a task said in other words of the same lemmas: tenses, plurals, passive', () => {
    const chores = [task('r', 'Pay rent'), task('f', 'Feed the cat'), task('s', 'Finish the slides'), task('b', 'Buy milk')];
    expect(resolveTaskReference({ title: 'paid the rent' }, [], chores, 'complete_task')).to.deep.equal({ kind: 'found', task: chores[0] });
    expect(resolveTaskReference({ title: 'feed cat' }, [], chores, 'complete_task')).to.deep.equal({ kind: 'found', task: chores[1] });
    expect(resolveTaskReference({ title: 'do the slide' }, [], chores, 'complete_task')).to.deep.equal({ kind: 'found', task: chores[2] });
    expect(resolveTaskReference({ title: 'paid the rent for december' }, [], chores, 'complete_task')).to.deep.equal({
      kind: 'found',
      task: chores[0],
    });
  });
  it('finds a mistyped title only as a guess, which callers confirm before acting', () => {
    const chores = [task('r', 'Pay rent'), task('b', 'Buy milk')];
    expect(resolveTaskReference({ title: 'by mlik' }, [], chores, 'delete_task')).to.deep.equal({
      kind: 'found',
      task: chores[1],
      guessed: true,
    });
    expect(resolveTaskReference({ title: 'teh rnet' }, [], chores, 'delete_task')).to.deep.equal({
      kind: 'found',
      task: chores[0],
      guessed: true,
    });
    expect(resolveTaskReference({ title: 'walk the dog' }, [], chores, 'delete_task').kind).to.equal('none');
  });
});
