import { expect } from 'chai';
import { parseQuantity } from '../quantity.js';

describe('parseQuantity', () => {
  const cases: ReadonlyArray<[string, number]> = [
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['2k', 2000],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['64Ki', 65536],
    ['1e3', 1000],
    ['5E-3', 0.005],
    ['100u', 1e-4],
    ['2Ti', 2 * 2 ** 40],
  ];
  for (const [text, value] of cases) {
    it(`reads ${text} as ${value}`, () => expect(parseQuantity(text)).to.be.closeTo(value, value * 1e-12));
  }

  it('orders binary and decimal units correctly', () => {
    expect(parseQuantity('1000Mi')!).to.be.lessThan(parseQuantity('1Gi')!);
    expect(parseQuantity('1G')!).to.be.lessThan(parseQuantity('1Gi')!);
    expect(parseQuantity('999m')!).to.be.lessThan(parseQuantity('1')!);
  });

  for (const bad of ['', 'Mi', '1 Gi', '1gi', '1MB', '1.2.3', 'one', '1Gi2']) {
    it(`rejects ${JSON.stringify(bad)}`, () => expect(parseQuantity(bad)).to.equal(undefined));
  }
});
