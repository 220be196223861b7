import type { Batch, ConversationContext, Each, IntentEngine, Interpretation } from './engine.js';
import { findDate, findShift } from './dates.js';
import { isPastVerb, isTypoOf, tokens } from './language.js';
import { LEXICON, alternation, compile, wholeSentence } from './lexicon.js';
import { listArgs } from './list-filters.js';
import type { AddTaskArgs, ListTasksArgs, Priority, TaskReference, TaskToolCall, ToolCall } from './tools.js';

export const UNKNOWN_REPLY =
  'Sorry, I did not understand that. I can add, list, complete, reopen, rename, reschedule and delete tasks — ' +
  'try “add buy milk tomorrow at 5pm”, “show my tasks” or “complete 2”, or say “help”.';

const REPLIES = {
  greeting: 'Hi! What can I do for your list? Try “show my tasks” or “add buy milk tomorrow”.',
  thanks: 'You’re welcome! Anything else on your list?',
  goodbye: 'Bye! Your list will be here when you come back.',
  offTopic: 'I can only help with your todo list — adding, listing, completing, rescheduling and deleting tasks. Say “help” for examples.',
  no: 'OK, I left everything as it was.',
} as const;

/** Longer messages are not parsed: no request needs them (a title has at most 200 characters), and they cost ~10 ms at 4,000. */
const MAX_SENTENCE_CHARS = 1000;
const TOO_LONG = 'That is a lot at once — please send one request at a time (a task title has at most 200 characters).';

type Rule = {
  readonly name: string;
  /** Why the rule sits where it does in the precedence list. */
  readonly why: string;
  readonly apply: (s: string, c: ConversationContext) => Interpretation | undefined;
};

/**
 * The default engine: a grammar of rules tried in order over a normalised sentence (fillers
 * dropped, a mistyped command word corrected), the words of every rule coming from LEXICON.
 * Pure: the same text and context always give the same interpretation.
 */
export class RuleBasedIntentEngine implements IntentEngine {
  interpret(text: string, context: ConversationContext): Interpretation {
    if (text.length > MAX_SENTENCE_CHARS) return { kind: 'clarify', question: TOO_LONG };
    const raw = text.trim().replace(/[.!?]+$/u, '');
    // "ok" / "yes" answer a pending question (the 'answer' rule); otherwise they are small talk.
    const answersQuestion = context.pendingCall !== undefined && (RE.yes.test(raw) || RE.no.test(raw));
    const chat = answersQuestion ? undefined : smallTalk(raw);
    if (chat) return chat;
    const sentence = prepare(text);
    if (sentence === '') return { kind: 'unknown', reply: UNKNOWN_REPLY };
    for (const rule of RULES) {
      const result = rule.apply(sentence, context);
      if (result) return result;
    }
    return { kind: 'unknown', reply: UNKNOWN_REPLY };
  }
}

// ================================================================= precedence: the one place

const RULES: readonly Rule[] = [
  {
    name: 'answer',
    why: 'a bare number, ordinal or yes/no right after “which one?” answers it; it cannot be a new request',
    apply: (s, c) => answerToQuestion(s, c, false),
  },
  {
    name: 'small talk',
    why: 'whole-sentence greetings, thanks and goodbyes; checked early so “hi” never becomes a task',
    apply: smallTalk,
  },
  { name: 'help', why: 'whole-sentence help questions', apply: help },
  {
    name: 'lone verb',
    why: '“delete”, “complete”, “done” alone: ask which task (or act on “it”), never add a task called “delete”',
    apply: loneVerb,
  },
  { name: 'undo', why: 'whole-sentence “undo”, “scratch that”; “undo 2” is left to reopen', apply: undo },
  { name: 'count', why: '“how many …” before list, which would show the tasks', apply: count },
  {
    name: 'clear',
    why: '“delete the completed ones” before delete, which would look for a task named “completed ones”',
    apply: clearCompleted,
  },
  { name: 'put back', why: '“put call mom back on my list” reopens; before add, which owns “put … on my list”', apply: putBack },
  {
    name: 'add',
    why: 'an add verb or lead (“remind me to”) makes everything after it a title, even “mark the report as done”',
    apply: explicitAdd,
  },
  { name: 'reopen', why: 'before complete: “call mom is not done yet” contains “done”', apply: reopen },
  { name: 'update', why: 'before complete: “milk is not urgent”, “the slides are due tomorrow” describe a task too', apply: update },
  { name: 'complete', why: 'command verbs, “X is done”, “got X done”, and past tenses (“I paid the rent”)', apply: complete },
  { name: 'delete', why: 'delete verbs with a reference', apply: remove },
  { name: 'list', why: 'questions and show verbs about tasks; after the task actions, whose sentences may start with “what”', apply: list },
  { name: 'off topic', why: 'other questions and requests addressed to the assistant get a polite answer, never a task', apply: offTopic },
  {
    name: 'answer by title',
    why: 'with a question pending, any other words name the task meant',
    apply: (s, c) => answerToQuestion(s, c, true),
  },
  { name: 'bare add', why: 'last: whatever else reads like a task (“eggs”, “buy milk tmrw”, “haircut friday”) is added', apply: bareAdd },
];

// ================================================================= compiled word lists

const RE = {
  leadingFillers: new RegExp(`^${alternation(LEXICON.leadingFillers)}\\b[,!]?\\s*`, 'i'),
  trailingFillers: new RegExp(`[,\\s]+${alternation(LEXICON.trailingFillers)}$`, 'i'),
  greetings: wholeSentence(LEXICON.greetings),
  thanks: wholeSentence(LEXICON.thanks),
  goodbyes: wholeSentence(LEXICON.goodbyes),
  help: wholeSentence(LEXICON.help),
  undo: new RegExp(
    `^(?:(?:no|nope|wait|no wait|oops|whoops|ah|argh|damn|nvm|never mind|nevermind|sorry|my bad|oh no|ugh|hmm)[,!\\s]+)*(?:undo[,!\\s]+)*(?:${alternation(LEXICON.undo)})(?:\\s+(?:please|pls|that|it|the last (?:one|thing|change|action)|my last (?:one|thing|change|action|edit)|the last (?:thing|change) you (?:did|made)|what (?:you|i) just did))?$`,
    'i',
  ),
  yes: wholeSentence(LEXICON.yes),
  no: wholeSentence(LEXICON.no),
  everything: new RegExp(`^(?:the\\s+)?${alternation(LEXICON.everything)}$`, 'i'),
  pronoun: wholeSentence(LEXICON.pronouns),
  done: alternation(LEXICON.done),
  notDone: alternation(LEXICON.notDone),
  listNoun: alternation(LEXICON.listNouns),
  taskNoun: alternation(LEXICON.taskNouns),
  addLead: new RegExp(`^${alternation(LEXICON.addLeads)}\\b\\s*:?\\s*`, 'i'),
};

/** Every single-word command verb: a mistyped first word is corrected to one of these. */
const COMMAND_WORDS = [
  ...new Set(
    [
      ...LEXICON.add,
      ...LEXICON.complete,
      ...LEXICON.reopen,
      ...LEXICON.delete,
      ...LEXICON.rename,
      ...LEXICON.reschedule,
      ...LEXICON.set,
      ...LEXICON.list,
      'undo',
      'help',
      'clear',
      'tick',
      'mark',
      'prioritize',
      'remind',
    ].filter((w) => /^[a-z]+$/.test(w) && w.length >= 3),
  ),
  'add',
];
const KNOWN_FIRST_WORDS = new Set([
  ...COMMAND_WORDS,
  'buy',
  'call',
  'pay',
  'book',
  'get',
  'do',
  'go',
  'put',
  'what',
  'whats',
  'how',
  'who',
  'when',
  'where',
  'why',
  'which',
  'is',
  'are',
  'am',
  'was',
  'the',
  'my',
  'i',
  'it',
  'and',
  'all',
  'any',
]);

// ================================================================= preparation

/** Drops politeness and filler, final punctuation, and corrects a mistyped command word; keeps the user's casing. */
function prepare(text: string): string {
  let s = text.replace(/\s+/g, ' ').trim();
  let previous: string;
  do {
    previous = s;
    s = s
      .replace(/[.!?]+$/u, '')
      .replace(RE.leadingFillers, '')
      .replace(RE.trailingFillers, '')
      .trim();
  } while (s !== previous && s !== '');
  // "i really need to …": an adverb between the subject and the verb of an add lead.
  s = s.replace(
    /^(i|we)\s+(?:really|definitely|still|also|absolutely|seriously|just|probably|totally)\s+(?=(?:need|have|must|should|gotta|got|want|will|'ll|ought)\b)/i,
    '$1 ',
  );
  // "its urgent", "that ones done": a contraction typed without its apostrophe, at the start where a reference stands.
  s = s.replace(/^(it|that|this)s\b/i, "$1's").replace(/^((?:that|this) one)s\b/i, "$1's");
  return correctCommandWord(s);
}

/** "shwo my tasks" → "show my tasks", "delte 5" → "delete 5": only the first word, only when it is no English word. */
function correctCommandWord(s: string): string {
  const m = /^([a-z]+)\b/i.exec(s);
  if (!m) return s;
  const word = m[1]!.toLowerCase();
  if (KNOWN_FIRST_WORDS.has(word) || word.length < 2) return s;
  const guess = COMMAND_WORDS.find((command) => isTypoOf(word, command));
  if (!guess) return s;
  // A real English word is meant as typed ("clean" is not "clear", "lost" is not "list"); two letters ("ad") are too short to be meant.
  // A known word is corrected only when a task number or "it" follows ("compete 3", "marl 2 as done").
  const [first] = tokens(s);
  const referenceFollows = /^\s+(?:#?\d|it\b|that\b|the (?:first|second|third|last)\b|my (?:tasks|list|todos?|to-?dos)\b)/i.test(
    s.slice(m[1]!.length),
  );
  if (first && first.known && word.length > 2 && !referenceFollows) return s;
  return guess + s.slice(m[1]!.length);
}

// ================================================================= conversation rules

/** Words that may follow a greeting or a thank-you without making it a request: "hi there", "thanks a lot". */
const SMALL_TALK_TAIL =
  /(?:\s+(?:there|again|you|all|everyone|friend|buddy|mate|man|bot|assistant|a lot|so much|very much|a bunch|heaps|guys|dear|for now|tomorrow|later|soon|next time|tonight))+$/i;

function smallTalk(s: string): Interpretation | undefined {
  const bare = s
    .replace(/[,!.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b(\w+)(?:\s+\1\b)+/gi, '$1'); // "hey hey"

  // The sentence, without its small-talk tail, and without its last tail word ("see you tomorrow").
  const forms = [bare, bare.replace(SMALL_TALK_TAIL, ''), bare.replace(/\s+(?:tomorrow|later|soon|again|there|tonight)$/i, '')];
  const is = (re: RegExp) => forms.some((form) => re.test(form));
  if (is(RE.greetings)) return { kind: 'chat', reply: REPLIES.greeting };
  if (is(RE.thanks)) return { kind: 'chat', reply: REPLIES.thanks };
  if (is(RE.goodbyes)) return { kind: 'chat', reply: REPLIES.goodbye };
  if (
    RE.yes.test(bare) ||
    RE.no.test(bare) ||
    /^(?:nothing|nothing else|not now|all good|i'm good|im good|that's fine|thats fine|fine)$/i.test(bare)
  )
    return { kind: 'chat', reply: REPLIES.no };
  return undefined;
}

function help(s: string): Interpretation | undefined {
  return RE.help.test(s) ? { kind: 'tool', name: 'help', args: {} } : undefined;
}

const LONE_VERB = new RegExp(
  `^(?<verb>${alternation([...LEXICON.complete, ...LEXICON.delete, ...LEXICON.reopen, 'rename', 'reschedule', 'move', 'postpone', 'mark', 'done', 'finished', 'completed', 'mark as done', 'mark done', 'tick', 'check'])})$`,
  'i',
);

function loneVerb(s: string, c: ConversationContext): Interpretation | undefined {
  const m = LONE_VERB.exec(s);
  if (!m) return undefined;
  const verb = m.groups!.verb!.toLowerCase();
  const name: TaskToolCall['name'] = LEXICON.delete.includes(verb as never)
    ? 'delete_task'
    : LEXICON.reopen.includes(verb as never)
      ? 'reopen_task'
      : /^(?:rename|reschedule|move|postpone)$/.test(verb)
        ? 'update_task'
        : 'complete_task';
  // "done" right after adding or showing one task means that task; destructive verbs always ask.
  if (name === 'complete_task' && /^(?:done|finished|completed)$/.test(verb) && c.lastTaskId)
    return { kind: 'tool', name, args: { task: { id: c.lastTaskId } } };
  return { kind: 'clarify', question: `Which task should I ${verbFor(name)}? Say its number or part of its title.` };
}

function undo(s: string): Interpretation | undefined {
  return RE.undo.test(s) ? { kind: 'undo' } : undefined;
}

function answerToQuestion(s: string, c: ConversationContext, byTitle: boolean): Interpretation | undefined {
  if (!c.pendingCall) return undefined;
  if (!byTitle) {
    if (RE.no.test(s)) return { kind: 'chat', reply: REPLIES.no };
    if (RE.yes.test(s) && c.lastShownTasks.length === 1) return withReference(c.pendingCall, { position: 1 });
  }
  const text = s.replace(/^(?:i mean|i meant|the one called|it's|it is|no,? i mean)\s+/i, '');
  const reference = parseReference(text, c);
  if (!reference) return undefined;
  if (!byTitle && 'title' in reference) return undefined;
  return withReference(c.pendingCall, reference);
}

function withReference(call: TaskToolCall, task: TaskReference): ToolCall {
  return { ...call, args: { ...call.args, task } } as ToolCall;
}

// ================================================================= list and count

const LIST_QUESTION = new RegExp(
  String.raw`^(?:what|what's|whats|what is|what are|which|anything|is there anything|are there any|is anything|do i have|have i got|any|where am i|am i)\b.*\b(?:on my|list|tasks?|todos?|to-dos?|to do|left|due|overdue|late|done|finished|completed|pending|open|remaining|have|got|plan|plate|agenda|need|next|today|tomorrow|week|weekend|month|scheduled|coming up|behind|urgent|important|priority|finish|finished|did|monday|tuesday|wednesday|thursday|friday|saturday|sunday|no (?:due )?dates?|no deadlines?|without (?:a |any )?(?:due )?(?:dates?|deadlines?)|undated)\b`,
  'i',
);
const SHOW = new RegExp(`^(?<verb>${alternation(LEXICON.list)})\\b\\s*(?:me\\s+)?(?:all\\s+)?(?:of\\s+)?(?<rest>.+?)$`, 'i');
/** List verbs that are also everyday task verbs ("check the oil", "get petrol"): they need a word about tasks, a date is not enough. */
const WEAK_LIST_VERB = /^(?:check|get|open|read|see|view|tell|fetch|bring up|pull up)$/i;
const ABOUT_TASKS =
  /\b(?:tasks?|todos?|to-dos?|to do|list|agenda|schedule|plan|everything|what|it|them|stuff|things|overdue|done|completed|finished|pending|remaining|left)\b/i;
const BARE_LIST = new RegExp(
  `^(?:(?:my|the|all|all my|all of my|show)\\s+)?(?:${alternation(LEXICON.listNounsForShow)}|ls|everything|pending|overdue|completed|today|due today|tomorrow|this week)(?:\\s+(?:for\\s+)?(?:today|tomorrow|this week|next week))?$`,
  'i',
);

/** "what's the weather today", "what is the capital of …": a question about something else. */
const OTHER_QUESTION =
  /^(?:what|what's|whats|what is|what are)\s+(?:the|a|an)\s+(?!(?:list|plan|agenda|schedule|status|deal|tasks?|todos?|next)\b)\w+/i;

function list(s: string, c: ConversationContext): Interpretation | undefined {
  if (OTHER_QUESTION.test(s)) return undefined;
  const show = SHOW.exec(s);
  const aboutTasks =
    BARE_LIST.test(s) ||
    LIST_QUESTION.test(s) ||
    /^(?:what(?:'s| is) next|what now|what should i do(?: next| now| today)?|how am i doing|am i behind)$/i.test(s) ||
    (show !== null &&
      !/^(?:me\s+)?(?:a |an |how |the weather|joke)/i.test(show.groups!.rest!) &&
      (!WEAK_LIST_VERB.test(show.groups!.verb!) || ABOUT_TASKS.test(show.groups!.rest!)) &&
      /\b(?:tasks?|todos?|to-dos?|to do|list|everything|all|done|completed|finished|pending|open|overdue|due|today|tomorrow|week|priority|urgent|important|left|what|it|them|stuff|things|agenda|plate|remaining)\b|^(?:me)$/i.test(
        show.groups!.rest!,
      ));
  if (!aboutTasks) return undefined;
  return { kind: 'tool', name: 'list_tasks', args: listArgs(s, c.now, c.timeZone) };
}

/** "hw many", "how mnay": the two words of a count question, each typed with one slip. */
function correctHowMany(s: string): string {
  const m = /^(\S+)\s+(\S+)\b/.exec(s);
  if (!m) return s;
  const [, how, many] = m.map((w) => w.toLowerCase()) as [string, string, string];
  const isHow = how === 'how' || isTypoOf(how, 'how');
  const isMany = many === 'many' || isTypoOf(many, 'many');
  return isHow && isMany && `${how} ${many}` !== 'how many' ? `how many${s.slice(m[0].length)}` : s;
}

function count(s: string, c: ConversationContext): Interpretation | undefined {
  s = correctHowMany(s);
  if (!/^(?:how many|count|number of|what(?:'s| is) the number of)\b/i.test(s)) return undefined;
  const args = listArgs(s, c.now, c.timeZone);
  // "how many tasks do I have" counts what is left to do unless "done" or "in total" is said.
  const total = /\b(?:in total|total|altogether|overall|all together|including done|including finished)\b/i.test(s);
  const filter = total && (args.filter === 'pending' || args.filter === 'all') ? 'all' : args.filter === 'all' ? 'pending' : args.filter;
  return { kind: 'tool', name: 'list_tasks', args: { ...args, filter, count: true } };
}

// ================================================================= clear completed

const CLEAR = [
  new RegExp(
    String.raw`^(?:clear|remove|delete|purge|clean(?: up| out)?|get rid of|erase|wipe|archive|drop|trash|bin)(?: out)?(?: all)?(?: of)?(?: the| my)*\s+(?:${RE.done}|ticked|checked)(?:\s+(?:ones|tasks?|todos?|to-dos?|items?|stuff|things))?(?:\s+(?:from|off|on) (?:my|the) list)?$`,
    'i',
  ),
  /^clear (?:my |the )?(?:list|done|completed)$/i,
  /^(?:clean up|tidy up|tidy) (?:my |the )?list$/i,
];

function clearCompleted(s: string): Interpretation | undefined {
  return CLEAR.some((p) => p.test(s)) ? { kind: 'tool', name: 'clear_completed', args: {} } : undefined;
}

// ================================================================= add

const ADD = [
  compile(
    `{add} [a ][an ][another ][one more ][new ][the ][{taskNouns} ][: ][- ][to say ][that says ][called ][named ][titled ][saying ][for ][about ][to ]{body:}`,
  ),
  new RegExp(`^(?:put|stick|pop|throw)\\s+(?<body>.+?)\\s+(?:on|onto|in|into|to)\\s+(?:my|the)\\s+${RE.listNoun}(?<rest>\\s.+)?$`, 'i'),
  new RegExp(`^(?:schedule|plan)\\s+(?:a\\s+)?(?<body>.+)$`, 'i'),
  new RegExp(
    `^(?:can|could) i (?:get|have|set|make) (?:a |an )?(?:reminder|${RE.taskNoun})\\s+(?:to|for|about|that)?\\s*(?<body>.+)$`,
    'i',
  ),
  new RegExp(
    `^(?:remind me|reminder)\\s+(?<body>(?:(?:tomorrow|today|tonight|on \\w+|next \\w+|in \\d+ \\w+|this \\w+|at [\\w:]+)(?:\\s+(?:at|on) [\\w:]+)?)\\s+(?:to|about)\\s+.+)$`,
    'i',
  ),
];

function explicitAdd(s: string, c: ConversationContext): Interpretation | undefined {
  for (const pattern of ADD) {
    const m = pattern.exec(s);
    if (m) {
      const body = `${m.groups!.body!}${m.groups!.rest ?? ''}`;
      if (/^(?:remind me|reminder)/i.test(s)) return addTasks(body.replace(/\s+(?:to|about)\s+/i, ' '), c);
      return addTasks(body, c);
    }
  }
  const lead = RE.addLead.exec(s);
  if (lead && lead[0].length < s.length) {
    let body = s.slice(lead[0].length);
    // "must remember to back up my laptop": leads may follow one another.
    for (let next = RE.addLead.exec(body); next && next[0].length < body.length; next = RE.addLead.exec(body))
      body = body.slice(next[0].length);
    // "I need to see my tasks", "remind me what's due": a question about the list, not a task.
    if (
      /^(?:see|check|know|look at|go through|review)\s+(?:what|which|my (?:tasks|list|todos|agenda)|the list)\b|^(?:what|which|how many)\b/i.test(
        body,
      )
    )
      return undefined;
    return addTasks(body, c);
  }
  return undefined;
}

function bareAdd(s: string, c: ConversationContext): Interpretation | undefined {
  if (/^#?\d+$/.test(s) || looksLikeGibberish(s) || /\?$/.test(s)) return undefined;
  if (RE.pronoun.test(s) || RE.everything.test(s)) return undefined;
  return addTasks(s, c);
}

/** One word with no vowel or a run of five consonants: keyboard mashing, not a task. */
function looksLikeGibberish(s: string): boolean {
  return !s.includes(' ') && (/^[^aeiouy]+$/i.test(s) || /[bcdfghjklmnpqrstvwxz]{5,}/i.test(s));
}

/** The tasks of an add sentence: one, or one per item of a list ("eggs and bread", "milk, eggs and cheese"). */
function addTasks(body: string, c: ConversationContext): Interpretation {
  const quoted = /"([^"]+)"|“([^”]+)”|‘([^’]+)’|(?:^|\s)'(.+?)'(?=[\s,]|$)/.exec(body);
  let rest = quoted ? body.replace(quoted[0], ' ') : body;
  const priority = priorityIn(rest);
  rest = stripPriority(rest);

  let dueAt: string | undefined;
  let titleText = rest;
  const found = findDate(rest, c.now, c.timeZone);
  if (found) {
    dueAt = found.date.toISOString();
    const before = rest
      .slice(0, found.index)
      .replace(/[\s,]*(?:\b(?:due|by|on|at|in|before|b4|for|until|till|starting|from|this|it's|it is|the|latest|no later than)\s*)*$/i, '');
    titleText = `${before} ${rest.slice(found.index + found.text.length)}`;
  }
  titleText = titleText.replace(new RegExp(`\\s+(?:to|on|onto|in|into)\\s+(?:my|the)\\s+${RE.listNoun}\\b`, 'i'), '');
  const titles = quoted ? [quoted.slice(1).find((g) => g !== undefined)!] : splitItems(titleText);
  const args = titles
    .map(cleanTitle)
    .filter((t) => t !== '')
    .map((title): AddTaskArgs => ({ title, ...(dueAt ? { dueAt } : {}), ...(priority ? { priority } : {}) }));
  if (args.length === 0) return { kind: 'clarify', question: 'What should the new task be called?' };
  const calls = args.map((a): ToolCall => ({ kind: 'tool', name: 'add_task', args: a }));
  return calls.length === 1 ? calls[0]! : ({ kind: 'batch', calls } satisfies Batch);
}

/**
 * A list of items becomes several tasks: a comma list always; "X and Y" when both sides are one
 * word or both start with a verb ("call bob and email alice"), so "rock and roll night" stays one.
 * A verb before the first item carries over to bare items: "buy milk, eggs and cheese".
 */
function splitItems(text: string): string[] {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  const parts = trimmed.split(/\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&|plus)\s+/i).filter((p) => p !== '');
  if (parts.length < 2) return [trimmed];
  const hasComma = trimmed.includes(',');
  const words = parts.map((p) => p.split(' '));
  // A verb leads a part of two words or more when the model tags it so after "to" (sentence-initial
  // imperatives are often tagged as nouns), or when a determiner follows it ("email the school").
  const startsWithVerb = parts.map((p) => {
    if (!p.includes(' ')) return false;
    const [, first] = tokens(`to ${p}`);
    const second = tokens(p)[1];
    return (
      (first !== undefined && first.pos === 'VERB') ||
      (second !== undefined && /^(?:the|my|a|an|his|her|our|their|your|some|this|that)$/.test(second.normal))
    );
  });
  const allOneWord = words.every((w) => w.length === 1);
  const allVerbs = startsWithVerb.every(Boolean);
  // Strictly verb-led: a determiner follows ("email the school"), not just a word the model may read as a verb ("bin bags").
  const strictlyVerb = parts.map((p) => /^\S+\s+(?:the|my|a|an|his|her|our|their|your|some|this|that)\b/i.test(p));
  const verbThenNouns =
    startsWithVerb[0] && words[0]!.length === 2 && words.slice(1).every((w, i) => w.length <= 2 && !strictlyVerb[i + 1]);
  if (!hasComma && !allOneWord && !allVerbs && !verbThenNouns) return [trimmed];
  if (hasComma && !allOneWord && !allVerbs && !verbThenNouns && words.some((w) => w.length > 3)) return [trimmed];
  if (startsWithVerb[0] && !allVerbs) {
    const verb = words[0]![0]!;
    return parts.map((p, i) => (i === 0 || strictlyVerb[i] ? p : `${verb} ${p}`));
  }
  return parts;
}

function cleanTitle(s: string): string {
  const t = s
    .replace(/^["“‘']+|["”’']+$/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,:;—–-]+|[\s,:;—–-]+$/g, '')
    .replace(/^(?:to|that i need to|that i have to)\s+(?=\S)/i, '')
    .trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// ================================================================= priorities

const PRIORITY = {
  low: new RegExp(`\\b${alternation(LEXICON.priorities.low.filter((w) => !LEXICON.bareLevels.includes(w as never)))}\\b`, 'i'),
  high: new RegExp(`(?:\\b${alternation(LEXICON.priorities.high.filter((w) => !LEXICON.bareLevels.includes(w as never)))}\\b|!!)`, 'i'),
  medium: new RegExp(`\\b${alternation(LEXICON.priorities.medium.filter((w) => !LEXICON.bareLevels.includes(w as never)))}\\b`, 'i'),
  bare: new RegExp(
    `^(?:a\\s+)?(?:${alternation(['low', 'high', 'medium', 'normal', 'top'])})(?:\\s+(?:priority|prio))?$|^(?:a\\s+)?priority$`,
    'i',
  ),
  any: alternation(
    [...LEXICON.priorities.low, ...LEXICON.priorities.high, ...LEXICON.priorities.medium].filter(
      (w) => !LEXICON.bareLevels.includes(w as never),
    ),
  ),
};

/** The priority a phrase asks for; negations first, so "not important" is low. Bare levels count when `bare`. */
function priorityIn(s: string, bare = false): Priority | undefined {
  if (PRIORITY.low.test(s)) return 'low';
  if (PRIORITY.high.test(s)) return 'high';
  if (PRIORITY.medium.test(s)) return 'medium';
  if (bare && PRIORITY.bare.test(s.trim())) {
    const level = s.toLowerCase();
    return /low/.test(level) ? 'low' : /medium|normal/.test(level) ? 'medium' : 'high';
  }
  return undefined;
}

const STRIP_PRIORITY = new RegExp(
  `[\\s,(—–-]*(?:\\b(?:and|it's|it is|its|this is|with|as|at|mark(?:ed)? (?:as|it)|make it|set to)\\s+)*\\b(?:(?:a|an)\\s+)?${PRIORITY.any}\\b(?:\\s+(?:priority|task))?[\\s,)!]*`,
  'gi',
);

function stripPriority(s: string): string {
  return s
    .replace(/^\s*(?:urgent|important)\s*:\s*/i, ' ')
    .replace(STRIP_PRIORITY, ' ')
    .replace(/!{2,}/g, ' ');
}

// ================================================================= references

/**
 * What a reference phrase names: "2", "#2", "task 2", "the second one", "the last one", "it",
 * "all of them", "everything due today", "1 and 3", or (part of) a title. Several tasks come back
 * as an array.
 */
export function parseReference(
  text: string,
  c: Pick<ConversationContext, 'lastTaskId'> & Partial<Pick<ConversationContext, 'lastShownTasks' | 'now' | 'timeZone'>>,
): TaskReference | undefined {
  const refs = parseReferences(text, c);
  return refs?.length === 1 && !('matching' in refs[0]!) ? refs[0] : undefined;
}

/** A reference, or every task a list would show ("everything due today"). */
type Selector = TaskReference | { readonly matching: ListTasksArgs };

function parseReferences(
  text: string,
  c: Pick<ConversationContext, 'lastTaskId'> & Partial<Pick<ConversationContext, 'lastShownTasks' | 'now' | 'timeZone'>>,
): Selector[] | undefined {
  const bare = text
    .trim()
    .replace(/^["“‘']+|["”’']+$/g, '')
    .replace(/\s+(?:from|off|on)\s+(?:my|the)\s+(?:list|tasks|todos?|to-dos?)$/i, '');
  // "that one" is a pronoun as a whole; only then may "that" go as a determiner ("that report").
  if (RE.pronoun.test(bare)) return c.lastTaskId ? [{ id: c.lastTaskId }] : undefined;
  const s = bare
    .replace(/^(?:the|my|that|this)\s+(?=\S)/i, '')
    .replace(/^(?:one|task|item|todo|thing)\s+(?:about|with|for|called|named|titled|that says|saying|where i)\s+/i, '')
    .trim();
  if (s === '') return undefined;
  if (RE.pronoun.test(s) || /^(?:it|that)\s+(?:task|one)$/i.test(s)) return c.lastTaskId ? [{ id: c.lastTaskId }] : undefined;
  // "both" means the two tasks shown, and nothing else.
  if (/^both\b/i.test(s) && (c.lastShownTasks ?? []).length !== 2) return undefined;
  if (RE.everything.test(s)) return everything(c);
  const selection =
    /^(?:all|everything|every)(?:\s+of)?(?:\s+(?:the|my))?(?:\s+(?:tasks?|ones|things|of them))?\s+(?:that(?:'s| is| are)\s+|which (?:is|are)\s+)?(?<rest>(?:due|overdue|late|for|from|on|this|next|today|tomorrow|with|high|low|urgent|important|completed|done|finished|pending|open).*)$/i.exec(
      s,
    );
  if (selection && c.now && c.timeZone) return [{ matching: listArgs(selection.groups!.rest!, c.now, c.timeZone) }];
  const single = position(s);
  if (single !== undefined) return [{ position: single }];
  // "1 through 3", "2-4", "1 to 3": a range of the list shown.
  const range = /^#?(\d{1,3})\s*(?:-|–|to|through|thru|until)\s*#?(\d{1,3})$/i.exec(s);
  if (range && Number(range[1]) >= 1 && Number(range[2]) > Number(range[1]) && Number(range[2]) - Number(range[1]) < 50) {
    return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => ({ position: Number(range[1]) + i }));
  }
  const pieces = s.split(/\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+|\s+(?=#?\d+\b)/i).map((p) => p.replace(/^(?:the|my)\s+/i, '').trim());
  const positions = pieces.map(position);
  if (pieces.length > 1 && positions.every((p) => p !== undefined)) return positions.map((p) => ({ position: p! }));
  const title = s
    .replace(/\s+(?:task|todo|to-do|item|one)$/i, '')
    .replace(/^(?:task|todo|to-do|item)\s*:?\s+/i, '')
    .trim();
  return title === '' ? undefined : [{ title }];
}

function everything(c: Partial<Pick<ConversationContext, 'lastShownTasks'>>): Selector[] {
  const shown = c.lastShownTasks ?? [];
  return shown.length > 0 ? shown.map((t) => ({ id: t.id })) : [{ matching: { filter: 'all' } satisfies ListTasksArgs }];
}

function position(s: string): number | undefined {
  let m = /^(?:(?:task|item|todo|to-do|number|no\.?|#)\s*)*#?(\d{1,4})(?:st|nd|rd|th)?(?:\s+(?:one|task|item|todo|on the list))?$/i.exec(s);
  if (m && Number(m[1]) > 0) return Number(m[1]);
  m =
    /^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|second last|second to last|next to last|penultimate)(?:\s+(?:one|task|item|todo|to-do|on the list|in the list))*$/i.exec(
      s,
    );
  if (m) return LEXICON.ordinals[m[1]!.toLowerCase()];
  m = /^(?:number|task|item|no)\s+(one|two|three|four|five|six|seven|eight|nine|ten)$/i.exec(s);
  if (m) return LEXICON.ordinals[m[1]!.toLowerCase()];
  return undefined;
}

/** A call on the task(s) a phrase names: one call, a batch for several, or a question. */
function taskCall(
  name: TaskToolCall['name'],
  refText: string,
  c: ConversationContext,
  extra: Record<string, unknown> = {},
): Interpretation {
  const refs = parseReferences(refText, c);
  if (!refs) return { kind: 'clarify', question: `Which task should I ${verbFor(name)}? Say its number or part of its title.` };
  return callsOn(name, refs, extra);
}

/** One call per reference (a batch for several), or one call on each task of a selection. */
function callsOn(name: TaskToolCall['name'], refs: readonly Selector[], extra: Record<string, unknown>): Interpretation {
  const [first] = refs;
  if (first && 'matching' in first)
    return { kind: 'each', name, matching: first.matching, ...(Object.keys(extra).length > 0 ? { changes: extra } : {}) } satisfies Each;
  const calls = refs.map((task) => ({ kind: 'tool', name, args: { task, ...extra } }) as ToolCall);
  return calls.length === 1 ? calls[0]! : { kind: 'batch', calls };
}

function verbFor(name: TaskToolCall['name']): string {
  return { complete_task: 'mark as done', reopen_task: 'reopen', delete_task: 'delete', update_task: 'change' }[name];
}

// ================================================================= complete, reopen, delete

const COMPLETE = [
  compile(`{set} {ref:} [as ][being ]{done}[ now][ already]`),
  new RegExp(String.raw`^(?:check|tick|cross|strike|knock)\s+(?<ref>.+?)\s+off(?: (?:my|the) list)?$`, 'i'),
  compile(`{complete} [: ]{ref:}`),
  new RegExp(
    String.raw`^(?:i|we)(?:'ve| have)?\s+(?:just\s+|already\s+|finally\s+)?(?:finished|completed|done|did|got through|sorted out|taken care of|took care of|dealt with)\s+(?<ref>.+)$`,
    'i',
  ),
  new RegExp(String.raw`^(?:i|we)(?:'m| am|'re| are)\s+(?:done|finished|through)\s+with\s+(?<ref>.+)$`, 'i'),
  new RegExp(
    String.raw`^(?:i\s+)?(?:got|have|had|get)\s+(?<ref>.+?)\s+(?:done|finished|sorted|sorted out|out of the way|taken care of)$`,
    'i',
  ),
  new RegExp(
    String.raw`^(?<ref>.+?)\s+(?:is|are|was|were|has been|have been|got|'s)\s+(?:now\s+|already\s+|all\s+|finally\s+)?${RE.done}$`,
    'i',
  ),
];

/** "the cat is fed", "rent is paid": a task's subject and the participle of its verb. */
const PASSIVE =
  /^(?<subject>.+?)(?:\s+(?:is|are|was|were|has been|have been|got)|'s|’s)\s+(?:been\s+)?(?:now\s+|already\s+|all\s+|finally\s+)?(?<verb>[a-z]+)$/i;
/** A request or question, not a task's name: "show completed", "what's left". */
const NOT_A_SUBJECT = new RegExp(
  `^(?:${alternation([...LEXICON.list, ...LEXICON.set, 'anything', 'everything', 'nothing'])}|(?:what|which|who|how|where|when|why)(?:'?s)?)\\b`,
  'i',
);
/** "flights booked", "report submitted": a short noun phrase and a participle, no verb "to be". */
const BARE_PARTICIPLE =
  /^(?<subject>(?:the\s+|my\s+)?[a-z]+(?:\s+[a-z]+)?)\s+(?<verb>[a-z]+ed|paid|done|bought|fed|sent|made|written|taken|given|got|gotten|seen|read|sold|built|won|met|found|kept|left|brought|thrown|cleaned)$/i;

function complete(s: string, c: ConversationContext): Interpretation | undefined {
  for (const p of COMPLETE) {
    const m = p.exec(s);
    if (!m) continue;
    const ref = m.groups!.ref!;
    // "finish the slides before thursday 10am": a command verb with a deadline is a new task.
    if (
      /^(?:complete|finish)\b/i.test(s) &&
      p === COMPLETE[2] &&
      !/^(?:all|everything|every)\b/i.test(ref) &&
      findDate(ref, c.now, c.timeZone)
    )
      return addTasks(s, c);
    return taskCall('complete_task', ref, c);
  }
  const passive = PASSIVE.exec(s) ?? BARE_PARTICIPLE.exec(s);
  if (passive && !NOT_A_SUBJECT.test(passive.groups!.subject!)) {
    const verb = tokens(passive.groups!.verb!)[0];
    if (verb && /^(?:done|finished|completed|sorted)$/.test(verb.normal)) return taskCall('complete_task', passive.groups!.subject!, c);
    if (verb && isPastVerb(verb)) return taskCall('complete_task', `${verb.lemma} ${passive.groups!.subject}`, c);
  }
  return pastTense(s, c);
}

/** "I paid the rent", "just bought the bread", "fed the cat": a past tense names a finished task. */
function pastTense(s: string, c: ConversationContext): Interpretation | undefined {
  const words = tokens(s);
  let i = 0;
  if (words[i] && /^(?:i|we)$/.test(words[i]!.normal)) i++;
  while (words[i] && /^(?:just|already|finally|also|actually|'ve|have|has|'d|had)$/.test(words[i]!.normal)) i++;
  const verb = words[i];
  if (!verb || !isPastVerb(verb) || i + 1 >= words.length) return undefined;
  if (
    /^(?:need|have|want|had|was|were|did|forgot|wanted|needed|should|could|would|might|must|used|went|said|told|asked)$/.test(verb.normal)
  )
    return undefined;
  if (verb.normal === 'got' && /^(?:to|a|an)$/.test(words[i + 1]?.normal ?? '')) return undefined; // "got to call", "got a reminder"

  if (findDate(s, c.now, c.timeZone)) return undefined; // "booked flights for friday" is news, not a finished task
  const rest = s.replace(new RegExp(`^.*?\\b${verb.normal}\\b\\s*`, 'i'), '');
  return rest === '' ? undefined : taskCall('complete_task', `${verb.lemma} ${rest}`, c);
}

const REOPEN = [
  new RegExp(`^(?:${alternation(LEXICON.reopen)}|undo)\\s+(?<ref>.+)$`, 'i'),
  new RegExp(
    String.raw`^(?:mark|set|flag|put|move)\s+(?<ref>.+?)\s+(?:as\s+|back\s+(?:to|as|in|into)\s+|back\s+)?${RE.notDone}(?: again)?$`,
    'i',
  ),
  new RegExp(
    String.raw`^(?<ref>.+?)\s+(?:is not|isn't|isnt|was not|wasn't|wasnt|are not|aren't|arent|is still not|still isn't|still isnt)\s+(?:really\s+|actually\s+)?(?:done|finished|complete|completed|${alternation(LEXICON.done)})(?:\s+(?:yet|after all))?$`,
    'i',
  ),
  new RegExp(
    String.raw`^(?<ref>.+?)\s+(?:is|was|are)\s+not\s+(?:done|finished|complete|completed)(?:\s+(?:yet|after all))?$|^(?<ref2>.+?)\s+(?:is|was|are)\s+(?:done|finished|complete|completed)\s+(?:yet|after all)$`,
    'i',
  ),
  new RegExp(
    String.raw`^(?:i|we)\s+(?:didn't|didnt|did not|haven't|havent|have not|never)\s+(?:actually\s+|really\s+)?(?<verb>\w+)\s+(?<ref>.+?)(?:\s+(?:yet|after all))?$`,
    'i',
  ),
];

/** "the rent isn't paid yet": a task's subject and its participle, negated. */
const NEGATED_PASSIVE =
  /^(?<subject>.+?)\s+(?:is not|isn't|isnt|was not|wasn't|wasnt|are not|aren't|arent|has not been|hasn't been|hasnt been)\s+(?:really\s+|actually\s+)?(?<verb>[a-z]+)(?:\s+(?:yet|after all))?$/i;

function reopen(s: string, c: ConversationContext): Interpretation | undefined {
  const negated = NEGATED_PASSIVE.exec(s);
  if (negated && !NOT_A_SUBJECT.test(negated.groups!.subject!)) {
    const verb = tokens(negated.groups!.verb!)[0];
    if (verb && isPastVerb(verb) && !/^(?:done|finished|completed)$/.test(verb.normal))
      return taskCall('reopen_task', `${verb.lemma} ${negated.groups!.subject}`, c);
  }
  for (const p of REOPEN) {
    const m = p.exec(s);
    if (!m) continue;
    const ref = (m.groups!.ref ?? m.groups!.ref2)!;
    const verb = m.groups!.verb;
    // "I didn't water the plants": the verb is part of how the task is named, unless it is "finish".
    const named = verb && !/^(?:finish|finished|complete|completed|do|done)$/i.test(verb) ? `${verb} ${ref}` : ref;
    return taskCall('reopen_task', named, c);
  }
  return undefined;
}

function putBack(s: string, c: ConversationContext): Interpretation | undefined {
  const m = new RegExp(
    `^(?:put|add|move|bring)\\s+(?<ref>.+?)\\s+back(?:\\s+(?:on|onto|in|into|to)\\s+(?:my|the)\\s+${RE.listNoun})?$`,
    'i',
  ).exec(s);
  return m ? taskCall('reopen_task', m.groups!.ref!, c) : undefined;
}

const DELETE = compile(`{delete} {ref:}`);

/** Phrasal verbs that start like a delete verb but name a task: "drop off the kids", "kill time". */
const NOT_A_DELETE = /^(?:drop\s+(?:off|by|in|out)|bin\s+day|kill\s+time|forget\s+(?:to|that))\b/i;

function remove(s: string, c: ConversationContext): Interpretation | undefined {
  const m = NOT_A_DELETE.test(s) ? null : DELETE.exec(s);
  return m ? taskCall('delete_task', m.groups!.ref!, c) : undefined;
}

// ================================================================= update: rename, due date, priority

function update(s: string, c: ConversationContext): Interpretation | undefined {
  return rename(s, c) ?? removeDue(s, c) ?? shift(s, c) ?? reschedule(s, c) ?? reprioritise(s, c) ?? changeTo(s, c);
}

const RENAME = [
  /^(?:rename|retitle|re-title|re-name|reword)\s+(?<ref>.+?)\s+(?:to|as|into)\s+(?<title>.+)$/i,
  /^(?:change|update|edit|set)\s+(?:the\s+)?(?:title|name|text|wording)\s+(?:of|for|on)\s+(?<ref>.+?)\s+(?:to|as|into)\s+(?<title>.+)$/i,
  /^(?:call|name)\s+(?<ref>.+?)\s+(?:task|one|item)\s+(?<title>.+)$/i,
  /^(?:call|name)\s+(?<ref>.+?)\s+(?<title>["'“‘].+["'”’])$/i,
];

function rename(s: string, c: ConversationContext): Interpretation | undefined {
  for (const p of RENAME) {
    const m = p.exec(s);
    if (m) return withTask(m.groups!.ref!, c, { title: cleanTitle(m.groups!.title!) }, 'rename');
  }
  return undefined;
}

function removeDue(s: string, c: ConversationContext): Interpretation | undefined {
  const m =
    /^(?:remove|clear|delete|drop|unset|take off|cancel|get rid of)\s+(?:the\s+)?(?:due date|deadline|date|due)\s+(?:of|from|for|on)\s+(?<ref>.+)$/i.exec(
      s,
    ) ??
    /^(?:no (?:due date|deadline) (?:for|on))\s+(?<ref>.+)$/i.exec(s) ??
    /^(?<ref>.+?)\s+(?:has|needs)\s+no\s+(?:due date|deadline)$/i.exec(s) ??
    /^(?:make|mark)\s+(?<ref>.+?)\s+(?:not due|undated)$/i.exec(s);
  // "which tasks have no due date" asks for a list.
  return m && !NOT_A_SUBJECT.test(m.groups!.ref!) ? withTask(m.groups!.ref!, c, { dueAt: null }, 'reschedule') : undefined;
}

const RESCHEDULE_VERB = alternation(LEXICON.reschedule);

/** "push it back two days", "postpone the flights by a week": moves the current due date. */
function shift(s: string, c: ConversationContext): Interpretation | undefined {
  const m = new RegExp(
    `^(?<verb>${RESCHEDULE_VERB}|bring|pull)\\s+(?<ref>.+?)\\s+(?<amount>(?:back|forward|ahead|later|earlier|up|by)\\b.*|(?:\\d+|an?|one|two|three|four|five|six|seven|ten|a couple of|a few)\\s+(?:minute|hour|day|week|month)s?.*)$`,
    'i',
  ).exec(s);
  if (!m) return undefined;
  const by = findShift(m.groups!.amount!, /^(?:bring forward|pull forward|pull in)$/i.test(m.groups!.verb!));
  if (!by) return undefined;
  return taskCall('update_task', m.groups!.ref!, c, { shiftDueBy: by });
}

function reschedule(s: string, c: ConversationContext): Interpretation | undefined {
  const m =
    new RegExp(`^(?:${RESCHEDULE_VERB})\\s+(?<ref>.+?)\\s+(?:to|until|till|for|by|back to|over to|on|until)\\s+(?<date>.+)$`, 'i').exec(
      s,
    ) ??
    /^(?:set|change|update|make)\s+(?:the\s+)?(?:due date|deadline|due time|date)\s+(?:of|for|on)\s+(?<ref>.+?)\s+(?:to|as)\s+(?<date>.+)$/i.exec(
      s,
    ) ??
    /^(?<ref>.+?)\s+(?:is|are|should be|needs to be done|has to be done|must be done)\s+(?:now\s+)?due\s+(?<date>.+)$/i.exec(s) ??
    /^(?<ref>.+?)\s+(?:is|are)\s+(?:now\s+)?(?:due|for|on)\s+(?<date>.+)$/i.exec(s) ??
    /^(?:make|set)\s+(?<ref>.+?)\s+due\s+(?<date>.+)$/i.exec(s) ??
    /^(?:set|change|update|move|push)\s+(?:the\s+)?(?<ref>.+?)(?:'s)?\s+(?:deadline|due date|due time|date)\s+(?:to|as|for|until)\s+(?<date>.+)$/i.exec(
      s,
    ) ??
    /^(?<ref>.+?)\s+(?:can|could|should|will|may)\s+(?:be\s+)?(?:done|finished|wait|happen)\s+(?:until\s+|till\s+|on\s+|by\s+)?(?<date>.+)$/i.exec(
      s,
    ) ??
    new RegExp(
      `^(?:${RESCHEDULE_VERB}|make|set|change|switch)\\s+(?<ref>.+?)\\s+(?:to\\s+|for\\s+)?(?<date>(?:tomorrow|today|tonight|next|this|in|on|monday|tuesday|wednesday|thursday|friday|saturday|sunday|eod|tmrw|end)\\b.*)$`,
      'i',
    ).exec(s);
  if (!m || NOT_A_SUBJECT.test(m.groups!.ref!)) return undefined;
  const found = findDate(m.groups!.date!, c.now, c.timeZone);
  if (!found) {
    if (/^(?<ref>.+?)\s+(?:is|are)\s/i.test(s) && !/\bdue\b/i.test(s)) return undefined;
    return {
      kind: 'clarify',
      question: `I could not read “${m.groups!.date}” as a date. Try “tomorrow at 5pm”, “next friday” or “in 3 days”.`,
    };
  }
  return withTask(m.groups!.ref!, c, { dueAt: found.date.toISOString() }, 'reschedule');
}

function reprioritise(s: string, c: ConversationContext): Interpretation | undefined {
  let m = /^(?:set|change|update|make)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(?<ref>.+?)\s+(?:to|as)\s+(?<level>.+)$/i.exec(s);
  if (m) {
    const priority = priorityIn(m.groups!.level!, true);
    if (!priority) return { kind: 'clarify', question: 'Which priority: low, medium or high?' };
    return withTask(m.groups!.ref!, c, { priority }, 'reprioritise');
  }
  m = new RegExp(
    `^(?:make|mark|set|flag|put)\\s+(?<ref>.+?)\\s+(?:as\\s+|to\\s+|at\\s+)?(?<level>(?:a\\s+)?(?:${PRIORITY.any}|(?:low|high|medium|normal|top)(?:\\s+(?:priority|prio))?|priority))$`,
    'i',
  ).exec(s);
  if (m) return withTask(m.groups!.ref!, c, { priority: priorityIn(m.groups!.level!, true)! }, 'reprioritise');
  m = new RegExp(
    `^(?<verb>${alternation([...LEXICON.raise, ...LEXICON.lower])})\\s+(?:the\\s+)?(?:priority\\s+(?:of|for|on)\\s+)?(?<ref>.+?)(?:'s priority|\\s+priority)?$`,
    'i',
  ).exec(s);
  // "raise", "drop", "up" need the word priority; "prioritize", "bump up", "escalate" are about nothing else.
  if (m && /priority|prioriti|^(?:bump up|escalate)\b/i.test(s)) {
    return withTask(
      m.groups!.ref!,
      c,
      { priority: LEXICON.lower.includes(m.groups!.verb!.toLowerCase() as never) ? 'low' : 'high' },
      'reprioritise',
    );
  }
  m =
    /^(?<ref>.+?)\s+(?:can wait|is not a priority|isn't a priority|isnt a priority|can be done later|is not pressing|isn't pressing)$/i.exec(
      s,
    );
  if (m) return withTask(m.groups!.ref!, c, { priority: 'low' }, 'reprioritise');
  m = new RegExp(
    `^(?<ref>.+?)(?:'s|’s|\\s+(?:is|are|isn't|isnt|is not|aren't|arent|are not|should be|can be|feels))\\s+(?<level>(?:not\\s+|really\\s+|very\\s+|super\\s+)?(?:a\\s+)?(?:${PRIORITY.any}|(?:low|high|medium|normal|top)\\s+(?:priority|prio)|priority))$`,
    'i',
  ).exec(s);
  if (m) {
    const negated = /\s(?:isn't|isnt|is not|aren't|arent|are not)\s/i.test(s);
    const level = priorityIn(m.groups!.level!, true)!;
    return withTask(m.groups!.ref!, c, { priority: negated && level === 'high' ? 'low' : level }, 'reprioritise');
  }
  return undefined;
}

/** "change 2 to friday" reschedules, "change 2 to urgent" reprioritises, "change 2 to oat milk" renames. */
function changeTo(s: string, c: ConversationContext): Interpretation | undefined {
  const m = /^(?:change|update|edit|set|switch)\s+(?<ref>.+?)\s+to\s+(?<value>.+)$/i.exec(s);
  if (!m) return undefined;
  const value = m.groups!.value!;
  const priority = priorityIn(value, true);
  if ((priority && PRIORITY.bare.test(value)) || new RegExp(`^(?:${PRIORITY.any})(?:\\s+priority)?$`, 'i').test(value)) {
    return withTask(m.groups!.ref!, c, { priority: priority! }, 'reprioritise');
  }
  const found = findDate(value, c.now, c.timeZone);
  if (found && found.index <= 3 && found.text.length >= value.replace(/^(?:on|at|by)\s+/i, '').length - 1) {
    return withTask(m.groups!.ref!, c, { dueAt: found.date.toISOString() }, 'reschedule');
  }
  return withTask(m.groups!.ref!, c, { title: cleanTitle(value) }, 'rename');
}

function withTask(
  refText: string,
  c: ConversationContext,
  changes: { title?: string; dueAt?: string | null; priority?: Priority },
  action: string,
): Interpretation {
  if (changes.title !== undefined && changes.title === '') return { kind: 'clarify', question: 'What should the new title be?' };
  const refs = parseReferences(refText, c);
  if (!refs) return { kind: 'clarify', question: `Which task should I ${action}? Say its number or part of its title.` };
  return callsOn('update_task', refs, changes);
}

// ================================================================= off topic

function offTopic(s: string): Interpretation | undefined {
  const question =
    /\?$/.test(s) ||
    /^(?:what|what's|whats|who|whom|whose|why|how|where|when|which|is|are|am|do|does|did|can|could|would|will|should|shall|tell me|sing|play|give me|show me|write me|make me|teach me|explain|define|translate|search|google|look up|order me|book me|find me)\b/i.test(
      s,
    ) ||
    /^\w+ me (?:a|an|the|some|about)\b/i.test(s);
  return question ? { kind: 'chat', reply: REPLIES.offTopic } : undefined;
}
