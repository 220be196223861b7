import { expect } from 'chai';
import { contentLemmas, isTypoOf, primeLemmas, tokens } from '../src/intent/language.js';

describe('language layer (wink-nlp, fastest-levenshtein)', () => {
  it('gives the meaning-carrying lemmas: tenses, plurals and participles fold to one form', () => {
    expect(contentLemmas('I paid the rent')).to.deep.equal(['pay', 'rent']);
    expect(contentLemmas('the cats are fed')).to.deep.equal(['cat', 'feed']);
    expect(contentLemmas('Booked the flights!')).to.deep.equal(['book', 'flight']);
  });

  it('lemmatises many titles in one document with the same result as one by one', () => {
    const titles = ['Watered the gardens', 'Bought | milk', 'Renewing passports', 'Called the plumbers about leaks'];
    const one = titles.map((t) => [...contentLemmas(`${t} `)]); // a different cache key: computed alone
    primeLemmas(titles);
    expect(titles.map((t) => [...contentLemmas(t)])).to.deep.equal(one);
  });

  it('tells words of the model’s vocabulary from unknown ones', () => {
    expect(tokens('delte the milk').map((t) => t.known)).to.deep.equal([false, true, true]);
  });

  it('takes one edit in a short word, two in a long one, swaps of neighbours, and the same start', () => {
    expect(isTypoOf('delte', 'delete')).to.equal(true);
    expect(isTypoOf('remvoe', 'remove')).to.equal(true);
    expect(isTypoOf('teh', 'the')).to.equal(true);
    expect(isTypoOf('shwo', 'show')).to.equal(true);
    expect(isTypoOf('lost', 'list')).to.equal(true); // hence the engine corrects only words the model does not know
    expect(isTypoOf('clean', 'clear')).to.equal(true);
    expect(isTypoOf('milk', 'silk')).to.equal(false); // a different first letter
    expect(isTypoOf('ad', 'at')).to.equal(false);
  });
});
