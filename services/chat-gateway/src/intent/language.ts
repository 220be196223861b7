/**
 * The language layer: tokens, lemmas and parts of speech from wink-nlp's English model, and
 * edit distances from fastest-levenshtein. The model loads once per process (~0.3 s alone on
 * this machine, see README.md); a short sentence then costs ~0.05–0.2 ms.
 */
import { distance } from 'fastest-levenshtein';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

let nlp = winkNLP(model, ['pos']);
const its = nlp.its;
/** wink numbers the model's vocabulary first, then every unknown word it meets: ids from here on are unknown words. */
const FIRST_UNKNOWN_ID = nlp
  .readDoc('qqzxqzxqq')
  .tokens()
  .out(its.uniqueId as never)[0] as unknown as number;
/**
 * wink keeps every unknown word it meets (~110 bytes each, measured): after this many the
 * instance is rebuilt (~0.4 s, once per 100,000 new words), so random input cannot grow memory without bound.
 */
const MAX_UNKNOWN_WORDS = 100_000;

export interface Token {
  /** Lower-cased surface form ("paid"). */
  readonly normal: string;
  /** Dictionary form ("pay"); lower-cased. */
  readonly lemma: string;
  /** Universal part of speech: VERB, NOUN, AUX, PRON, … */
  readonly pos: string;
  /** In the model's English vocabulary ("shwo", "delte" are not). */
  readonly known: boolean;
}

/** Tokens of `text` (contractions split: "don't" → do, not). */
export function tokens(text: string): Token[] {
  const doc = nlp.readDoc(text);
  const normals = doc.tokens().out(its.normal as never) as string[];
  const lemmas = doc.tokens().out(its.lemma as never) as string[];
  const tags = doc.tokens().out(its.pos as never) as string[];
  const ids = doc.tokens().out(its.uniqueId as never) as unknown as number[];
  if (Math.max(...ids) - FIRST_UNKNOWN_ID > MAX_UNKNOWN_WORDS) nlp = winkNLP(model, ['pos']);
  return normals.map((normal, i) => ({
    normal,
    lemma: (lemmas[i] ?? normal).toLowerCase(),
    pos: tags[i] ?? 'X',
    known: ids[i]! < FIRST_UNKNOWN_ID,
  }));
}

/**
 * Words that carry no meaning when matching a task by its words ("the", "my", "a", "to").
 * Deliberately short: wink's stop-word list holds "call", "show" and other task words.
 */
const FUNCTION_WORDS = new Set([
  'the',
  'a',
  'an',
  'my',
  'our',
  'your',
  'his',
  'her',
  'their',
  'to',
  'for',
  'of',
  'on',
  'in',
  'at',
  'with',
  'and',
  'be',
  'i',
  'we',
  'it',
  'that',
  'this',
  'some',
  'up',
  'off',
  'out',
  'task',
  'todo',
  'item',
  'one',
  'thing',
  'just',
  'already',
  'now',
  'finally',
  'all',
  'have',
  'has',
  'had',
  'do',
  'get',
  'got',
  'done',
  'finish',
  'complete',
  'handle',
  'sort',
  '’s',
  "'s",
]);

/** Lemmas by lower-cased text; the oldest entries go first when full (~100 bytes an entry). */
const lemmaCache = new Map<string, readonly string[]>();
const LEMMA_CACHE_MAX = 20_000;

function remember(key: string, lemmas: readonly string[]): readonly string[] {
  if (lemmaCache.size >= LEMMA_CACHE_MAX) lemmaCache.delete(lemmaCache.keys().next().value!);
  lemmaCache.set(key, lemmas);
  return lemmas;
}

const meaningful = (list: readonly Token[]) =>
  list
    .filter((t) => /[\p{L}\p{N}]/u.test(t.normal))
    .map((t) => t.lemma)
    .filter((l) => !FUNCTION_WORDS.has(l));

/** The meaning-carrying lemmas of `text`, e.g. "I paid the rent" → [pay, rent]; cached (task titles repeat). */
export function contentLemmas(text: string): readonly string[] {
  const key = text.toLowerCase();
  return lemmaCache.get(key) ?? remember(key, meaningful(tokens(key)));
}

/**
 * Lemmatises the texts not cached yet in ONE wink document (titles joined by " | "): wink's cost
 * is mostly per document, so 500 new titles take ~10–40 ms instead of ~0.3 s one by one.
 */
export function primeLemmas(texts: readonly string[]): void {
  const missing = [...new Set(texts.map((t) => t.toLowerCase()))].filter((key) => !lemmaCache.has(key));
  if (missing.length < 2) return;
  const all = tokens(missing.map((key) => key.replace(/\|/g, ' ')).join(' | '));
  let start = 0;
  for (const key of missing) {
    let end = start;
    while (end < all.length && all[end]!.normal !== '|') end++;
    remember(key, meaningful(all.slice(start, end)));
    start = end + 1;
  }
}

/**
 * True when a typed word is probably `known` mistyped: one edit for words of 3–5 letters, two
 * for longer ones, and the same first letter or a swap of the first two (typos keep the start).
 */
export function isTypoOf(typed: string, known: string): boolean {
  if (typed === known || typed.length < 2 || Math.abs(typed.length - known.length) > 2) return false;
  const sameStart = typed[0] === known[0] || (typed[0] === known[1] && typed[1] === known[0]);
  if (!sameStart) return false;
  const allowed = known.length <= 2 ? 0 : known.length <= 5 ? 1 : 2;
  return distance(typed, known) <= allowed || isTransposition(typed, known);
}

/** "remvoe" / "remove": two neighbouring letters swapped (an edit distance of 2 for Levenshtein). */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].map((ch, i) => (ch === b[i] ? -1 : i)).filter((i) => i >= 0);
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

/** True when the word is an inflected (past or participle) verb form: "paid", "fed", "booked". */
export function isPastVerb(token: Token): boolean {
  return (token.pos === 'VERB' || token.pos === 'ADJ') && token.lemma !== token.normal && !/(?:ing|s)$/.test(token.normal);
}
