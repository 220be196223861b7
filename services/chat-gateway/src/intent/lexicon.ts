/**
 * The one lexicon of the rule engine: every word or phrase it reacts to, by role. The grammar
 * (rule-based-engine.ts) refers to these roles by name in its templates, e.g. "{complete} {ref}", so adding
 * a synonym here teaches every rule that uses the role. Multi-word entries are fine; longer
 * entries are tried first.
 */
export const LEXICON = {
  // ------------------------------------------------------------------ command verbs
  /** Verbs that create a task; what follows is the title. */
  add: ['add', 'create', 'insert', 'jot down', 'jot', 'write down', 'note down', 'enter', 'make a note to', 'make a note of', 'make a note'],
  /** Verbs that mark a task as done. "finish" and "complete" are also task verbs (see rule-based-engine.ts); "close" is left out ("close the windows"). */
  complete: ['complete', 'finish', 'check off', 'tick off', 'cross off', 'cross out', 'strike off', 'strike out', 'mark off', 'done with', 'all done with', 'finally done with', 'did', 'finished', 'completed'],
  reopen: ['bring back', 'reopen', 're-open', 'uncheck', 'untick', 'unmark', 'restore', 'reactivate', 'uncomplete', 'un-complete', 'unfinish'],
  delete: ['delete', 'remove', 'erase', 'drop', 'trash', 'discard', 'cancel', 'scrap', 'bin', 'forget about', 'forget', 'get rid of', 'throw away', 'throw out', 'kill', 'ditch', 'nuke', 'dump', 'toss', 'scratch'],
  rename: ['rename', 're-name', 'retitle', 're-title', 'reword', 'call'],
  /** Moves a due date: to an absolute date ("to friday") or by a shift ("back two days", "by a week"). */
  reschedule: ['reschedule', 'move', 'postpone', 'push back', 'push', 'defer', 'delay', 'shift', 'put off', 'bump', 'bring forward', 'pull forward', 'pull in'],
  /** Verbs that set a property: "make 2 urgent", "set rent to friday". */
  set: ['make', 'set', 'mark', 'flag', 'change', 'update', 'edit', 'switch', 'turn'],
  list: ['show', 'list', 'display', 'view', 'see', 'give', 'print', 'read', 'bring up', 'pull up', 'fetch', 'check', 'tell', 'get', 'open'],
  /** Words that make a sentence a completion when they describe a task: "rent is done". */
  done: ['done', 'complete', 'completed', 'finished', 'checked off', 'ticked off', 'sorted', 'sorted out', 'taken care of', 'dealt with', 'handled', 'over', 'crossed off'],
  notDone: ['not done', 'undone', 'not completed', 'incomplete', 'not complete', 'not finished', 'unfinished', 'pending', 'open', 'to do', 'todo', 'not done yet'],

  // ------------------------------------------------------------------ fillers
  /** Politeness and discourse markers dropped from the start of a sentence (repeatedly). */
  leadingFillers: [
    'hey', 'hi', 'hello', 'thanks', 'thank you', 'ok', 'okay', 'so', 'now', 'and', 'then', 'also', 'oh', 'um', 'uh', 'well', 'please', 'pls', 'plz', 'kindly', 'actually', 'ah', 'right',
    'can you', 'could you', 'would you', 'will you', 'can u', 'could u', 'i want you to', 'i would like you to', "i'd like you to",
    'i want to', 'i would like to', "i'd like to", 'i wanna', "let's", 'lets', 'go ahead and', 'just',
  ],
  trailingFillers: ['please', 'pls', 'plz', 'thanks', 'thank you', 'thx', 'for me', 'too', 'as well', 'again'],

  /** "don't let me forget …", "note to self …": an add whatever comes next. */
  addLeads: [
    "don't let me forget to", "don't let me forget", 'dont let me forget to', 'dont let me forget', 'do not let me forget to', 'do not let me forget',
    'new task', 'new todo', 'new to-do', 'new item', 'new reminder', 'new entry', 'note to self', 'note to self:', 'memo', 'note', 'memo to self', 'reminder', 'reminder to', 'remind me to', 'remind me about', 'remind me of', 'remind me that i need to', 'remind me that i have to', 'remind me',
    'can i get a reminder to', 'can i get a reminder', 'can you remind me to', 'set a reminder to', 'set a reminder for', 'set a reminder',
    "don't forget to", 'dont forget to', 'do not forget to', "don't forget", 'dont forget', 'do not forget', 'remember to', 'remember that i need to', 'remember',
    'i need to', 'i have to', 'i must', 'i should', 'i gotta', 'i got to', "i've got to", 'i have got to', 'i ought to', 'i want to', 'i will need to',
    'need to', 'have to', 'must', 'should', 'gotta', 'got to', 'todo:', 'to do:', 'to-do:', 'task:', 'new task:', 'todo', 'to-do',
    'i need', 'we need', 'we need to', 'we have to', 'we must', 'we should', 'we gotta',
    "i'll need to", 'ill need to', 'i will need to', "i'll have to", 'ill have to', 'i will have to', 'need',
    'i forgot to', 'i keep forgetting to', 'i still need to', 'i still have to', 'still need to', 'still have to',
  ],
  /** Nouns an add verb may put before the title: "add a task to …", "create a new reminder called …". */
  taskNouns: ['task', 'todo', 'to-do', 'to do', 'item', 'reminder', 'entry', 'note', 'thing'],
  /** "… to my list", "… on the todo list": where the title ends. */
  listNouns: ['list', 'tasks', 'todos', 'to-dos', 'todo list', 'to-do list', 'to do list', 'task list', 'agenda'],

  // ------------------------------------------------------------------ priorities
  /** Checked in this order, so "not important" is low before "important" is high. */
  priorities: {
    low: ['not important', 'not urgent', 'unimportant', 'no rush', 'not a priority', 'low priority', 'low-priority', 'lowest priority', 'priority low', 'priority: low', 'whenever', 'someday', 'no hurry', 'less important', 'less urgent', 'not that important', 'not very important', 'not super important', 'not so important', 'not too important', 'not really important', 'not all that important', 'not that urgent', 'not very urgent', 'not super urgent', 'not so urgent', 'not too urgent', 'not really urgent', 'not all that urgent', 'not pressing', 'nothing urgent', 'low prio', 'low'],
    high: ['urgent', 'urgently', 'asap', 'important', 'top priority', 'high priority', 'high-priority', 'highest priority', 'priority high', 'priority: high', 'critical', 'crucial', 'more important', 'more urgent', 'high prio', 'a priority', 'priority', 'high'],
    medium: ['medium priority', 'normal priority', 'medium-priority', 'priority medium', 'priority: medium', 'medium', 'normal'],
  },
  /** Bare levels ("low", "high", "priority") only count where a priority is expected: "make 2 high". */
  bareLevels: ['low', 'high', 'medium', 'normal', 'priority', 'a priority'],
  raise: ['raise', 'increase', 'bump up', 'up', 'prioritize', 'prioritise', 'escalate'],
  lower: ['lower', 'decrease', 'reduce', 'drop', 'deprioritize', 'deprioritise', 'de-prioritize', 'de-prioritise'],

  // ------------------------------------------------------------------ references
  pronouns: ['it', 'that', 'this', 'that one', 'this one', 'that task', 'this task', 'the last one i added', 'the one i just added'],
  /** Several tasks at once: the last list shown. */
  everything: ['all of them', 'all of those', 'all of these', 'them all', 'all', 'everything', 'every task', 'all my tasks', 'all tasks', 'all the tasks', 'all of my tasks', 'the lot', 'both', 'both of them', 'everything on the list', 'everything on my list', 'all of it'],
  ordinals: {
    first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
    '1st': 1, '2nd': 2, '3rd': 3, '4th': 4, '5th': 5, '6th': 6, '7th': 7, '8th': 8, '9th': 9, '10th': 10,
    one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
    last: -1, 'last one': -1, 'second last': -2, 'second to last': -2, 'next to last': -2, penultimate: -2,
  } as Readonly<Record<string, number>>,
  yes: ['yes', 'yeah', 'yep', 'yup', 'sure', 'correct', 'right', 'that one', 'exactly', 'y', 'ok', 'okay', 'yes please', 'please do', 'do it', 'go ahead'],
  no: ['no', 'nope', 'nah', 'never mind', 'nevermind', 'forget it', 'cancel', 'no thanks', 'leave it', 'n'],

  // ------------------------------------------------------------------ conversation
  undo: ['undo', 'undo that', 'undo it', 'undo the last one', 'undo the last change', 'undo the last action', 'undo last', 'scratch that', 'take that back', 'take it back', 'take back that', 'take back the last change', 'take back the last action', 'take back the last thing', 'revert', 'revert that', 'revert it', 'revert the last change', 'revert the last action', 'go back', 'put it back', 'put that back', 'reverse that', 'cancel that', 'that was a mistake', 'my mistake', 'oops', 'wrong one', 'no wait undo', 'never mind that', "i didn't mean that", 'i didnt mean that', 'i did not mean that', "i didn't mean to", 'i didnt mean to', "that's not what i meant", 'thats not what i meant', 'not what i meant', 'that was wrong', 'that is wrong', "that's wrong", 'thats wrong', 'roll back', 'rollback', 'undo what you just did'],
  greetings: ['hi', 'hello', 'hey', 'hiya', 'howdy', 'yo', 'good morning', 'good afternoon', 'good evening', 'morning', 'evening', 'hello there', 'hi there', 'hey there', 'greetings', 'sup', "what's up", 'whats up', 'how are you', 'how are you doing', "how's it going", 'hows it going'],
  thanks: ['thanks', 'thank you', 'thank u', 'thanx', 'tnx', 'thanks u', 'thx', 'ty', 'cheers', 'great', 'perfect', 'nice', 'cool', 'good job', 'well done', 'awesome', 'thanks a lot', 'thank you so much', 'thanks so much', 'thank you very much', 'many thanks', 'much appreciated', 'appreciate it', 'brilliant', 'excellent', 'ok thanks', 'okay thanks', 'great thanks', 'got it', 'ok', 'okay', 'k', 'alright', 'sounds good', 'good', 'lovely', 'lol', 'haha', 'hahaha', 'hmm', 'wow', 'nice one', 'ok cool', 'okay cool', 'noted', 'understood'],
  goodbyes: ['bye', 'goodbye', 'bye bye', 'see you', 'see ya', 'see you later', 'later', 'good night', 'goodnight', 'night', 'gn', 'nite', 'night night', 'cya', 'ttyl', 'talk later', 'talk to you later', "that's all", 'thats all', "that's it", 'thats it', 'done for today', 'i am done for today', "i'm done for today", 'have a good day', 'take care'],
  help: ['help', '?', 'commands', 'usage', 'instructions', 'menu', 'what can you do', 'what can i say', 'what can i ask', 'how does this work', 'how does it work', 'how do i use this', 'how do i use you', 'what do you understand', 'what do you do', 'what are the commands', 'what are your commands', 'show help', 'show me the help', 'who are you', 'what are you', 'help me', 'i need help', 'need help', 'how do you work', 'help please', 'what should i say'],

  // ------------------------------------------------------------------ list filters
  listNounsForShow: ['tasks', 'task', 'todos', 'todo', 'to-dos', 'to do', 'to dos', 'list', 'agenda', 'plate', 'schedule', 'stuff', 'things', 'items', 'reminders', 'plan', 'day'],
  completedWords: ['completed', 'done', 'finished', 'checked off', 'ticked off', 'closed', 'achieved', 'accomplished', 'did', 'finish', 'complete'],
  pendingWords: ['pending', 'open', 'remaining', 'left', 'outstanding', 'active', 'still', 'have to', 'need to', 'got to', 'gotta', 'must', 'should', 'next', 'not done', 'not finished', 'unfinished', 'incomplete', 'undone', 'to do', 'todo', 'do i have', 'have i got', 'do i need', 'due'],
  overdueWords: ['overdue', 'late', 'past due', 'missed', 'behind', 'expired'],
} as const;

export type Role = Exclude<keyof typeof LEXICON, 'priorities' | 'ordinals'>;

/** Regex source matching any entry of a word list, longest first, on word boundaries. */
export function alternation(words: readonly string[]): string {
  const sorted = [...words].sort((a, b) => b.length - a.length);
  return `(?:${sorted.map(escape).join('|')})`;
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}

/** Same, anchored as a whole sentence. */
export function wholeSentence(words: readonly string[]): RegExp {
  return new RegExp(`^${alternation(words)}$`, 'i');
}

/**
 * Compiles a rule template to an anchored, case-insensitive regex, once: `{role}` is any word of
 * that lexicon role, `{name:}` a lazy capture named `name`, `[ … ]` optional text; other text is
 * literal (spaces match any run of spaces).
 *
 *   compile('{complete} [the ]{ref:}')  →  /^(?:complete|finish|…)\s+(?:the\s+)?(?<ref>.+?)$/i
 */
export function compile(template: string): RegExp {
  let source = '';
  for (const piece of template.split(/(\{[a-zA-Z]+:?\}|\[|\]| +)/)) {
    if (piece === '') continue;
    if (piece === '[') source += '(?:';
    else if (piece === ']') source += ')?';
    else if (/^ +$/.test(piece)) source += '\\s*';
    else if (piece.startsWith('{') && piece.endsWith(':}')) source += `(?<${piece.slice(1, -2)}>.+?)`;
    else if (piece.startsWith('{')) {
      const role = piece.slice(1, -1) as Role;
      const words = LEXICON[role];
      if (!Array.isArray(words)) throw new Error(`template ${JSON.stringify(template)}: unknown lexicon role ${role}`);
      source += `${alternation(words as readonly string[])}\\b`;
    } else source += piece.replace(/[.*+?^${}()|\\]/g, '\\$&') + (/\w$/.test(piece) ? '\\b' : ''); // "[to ]" must not eat "tomorrow"
  }
  return new RegExp(`^${source}$`, 'i');
}
