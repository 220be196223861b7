import { expect } from 'chai';
import { evaluate, loadAll, summarise, type Verdict } from '../corpus/evaluate.js';

/**
 * The understanding corpus (corpus/*.txt): everyday sentences, each with its expected effect on a
 * fixed set of tasks, run through the rule engine and the planner. The bar of issue 14: ≥ 90 %
 * right overall and on the held-out part, ≥ 75 % in every category, and no destructive mistake.
 */
describe('understanding corpus', function () {
  this.timeout(60_000);
  const verdicts = loadAll().map(evaluate);
  const heldOut = verdicts.filter((v) => v.split === 'held-out');
  const misses = (list: readonly Verdict[]) =>
    list
      .filter((v) => !v.correct)
      .map((v) => `  [${v.category}] “${v.sentence}” wanted ${v.expected}, got ${v.got}`)
      .join('\n');

  it('holds at least 300 phrasings, a held-out part among them', () => {
    expect(verdicts.length).to.be.at.least(300);
    expect(heldOut.length).to.be.at.least(100);
  });

  it('gets at least 90 % right overall and on the held-out part', () => {
    const all = summarise(verdicts);
    const held = summarise(heldOut);
    expect(all.correct / all.total, `overall ${all.correct}/${all.total}; misses:\n${misses(verdicts)}`).to.be.at.least(0.9);
    expect(held.correct / held.total, `held-out ${held.correct}/${held.total}`).to.be.at.least(0.9);
  });

  it('gets at least 75 % right in every category', () => {
    for (const [category, row] of summarise(verdicts).byCategory) {
      expect(
        row.correct / row.total,
        `${category}: ${row.correct}/${row.total}\n${misses(verdicts.filter((v) => v.category === category))}`,
      ).to.be.at.least(0.75);
    }
  });

  it('never completes, reopens or deletes a task the sentence did not mean', () => {
    const wrong = verdicts.filter((v) => v.destructiveMistake);
    expect(wrong.map((v) => `“${v.sentence}” → ${v.got}`)).to.deep.equal([]);
  });

  it('the evaluation can fail: a wrong expectation is counted wrong, a wrong deletion as destructive', () => {
    const [sample] = loadAll().filter((c) => c.sentence === 'delete 5');
    expect(evaluate({ ...sample!, expected: 'delete a' })).to.include({ correct: false, destructiveMistake: true });
    expect(evaluate({ ...sample!, expected: 'add "Delete 5"' })).to.include({ correct: false, destructiveMistake: true });
    expect(evaluate(sample!)).to.include({ correct: true, destructiveMistake: false });
  });
});
