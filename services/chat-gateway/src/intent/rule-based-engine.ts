import type { ConversationContext, IntentEngine, Interpretation } from './engine.js';
import { findDate } from './dates.js';
import type { ListFilter, Priority, TaskReference, TaskToolCall, ToolCall } from './tools.js';

export const UNKNOWN_REPLY =
  'Sorry, I did not understand that. I can add, list, complete, reopen, rename, reschedule and delete tasks — ' +
  'try “add buy milk tomorrow at 5pm”, “show my tasks” or “complete 2”, or say “help”.';

const ORDINALS: Readonly<Record<string, number>> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  last: -1, 'second last': -2, 'second to last': -2, 'next to last': -2, penultimate: -2,
};

const DONE_WORDS = String.raw`(?:done|complete|completed|finished|checked(?: off)?|ticked(?: off)?)`;
const NOT_DONE_WORDS = String.raw`(?:not done|undone|not completed|incomplete|not complete|not finished|unfinished|pending|open|to ?do|not done yet)`;
const PRIORITY_WORDS = String.raw`(?:urgent|important|top priority|high(?: priority)?|low(?: priority)?|medium(?: priority)?|normal(?: priority)?|not urgent|unimportant)`;

/**
 * The default engine: ordered regular-expression rules over a lightly normalised sentence, chrono-node
 * for dates. Pure: the same text and context always give the same interpretation.
 */
export class RuleBasedIntentEngine implements IntentEngine {
  interpret(text: string, context: ConversationContext): Interpretation {
    const sentence = normalize(text);
    if (sentence === '') return { kind: 'unknown', reply: UNKNOWN_REPLY };
    if (/^(?:thanks|thank you|thx|ty|cheers|great|perfect|nice|cool|good job|well done|awesome)(?: (?:a lot|so much|very much))?$/i.test(sentence)) {
      return { kind: 'unknown', reply: 'You’re welcome! Anything else on your list?' };
    }
    const rules: readonly ((s: string, c: ConversationContext) => Interpretation | undefined)[] = [
      explicitAdd,
      help,
      clearCompleted,
      reopen,
      update,
      complete,
      remove,
      list,
      impliedAdd,
      answerToPendingQuestion,
    ];
    for (const rule of rules) {
      const result = rule(sentence, context);
      if (result) return result;
    }
    return { kind: 'unknown', reply: UNKNOWN_REPLY };
  }
}

/** Drops politeness, filler and final punctuation; keeps the user's casing for titles. */
function normalize(text: string): string {
  let s = text.replace(/\s+/g, ' ').trim();
  let previous: string;
  do {
    previous = s;
    s = s
      .replace(/[.!?]+$/u, '')
      .replace(/^(?:hey|hi|ok|okay|so|now|and|then|also|oh|um|well|please|pls|plz|kindly)\b[,!]?\s*/i, '')
      .replace(/^(?:can|could|would|will) you\s+(?:please\s+)?/i, '')
      .replace(/^(?:i (?:want|would like|'d like|wanna) (?:you )?to|i'd like to|let's|lets|help me|go ahead and)\s+/i, '')
      .replace(/[,\s]+(?:please|pls|plz|thanks|thank you|for me)$/i, '')
      .trim();
  } while (s !== previous);
  return s;
}

const call = (c: ToolCall): ToolCall => c;

// ---------------------------------------------------------------- help and clear

function help(s: string): Interpretation | undefined {
  const asksForHelp =
    /^(?:help|\?|commands|usage|instructions|hello|hi|hey|menu)$/i.test(s) ||
    /^(?:help me|what can (?:you|i) (?:do|say|ask)|how (?:does (?:this|it)|do (?:i|you)) work|how do i use (?:this|you|it)|what do you (?:understand|know|do)|what are (?:the|your) commands|show (?:me )?(?:the )?help|who are you|what are you)\b/i.test(s);
  return asksForHelp ? call({ kind: 'tool', name: 'help', args: {} }) : undefined;
}

function clearCompleted(s: string): Interpretation | undefined {
  const m = new RegExp(
    String.raw`^(?:clear|remove|delete|purge|clean(?: up| out)?|get rid of|erase|wipe|archive|drop|trash)(?: out)?(?: all)?(?: of)?(?: the| my)*\s+${DONE_WORDS}(?:\s+(?:ones|tasks?|todos?|to-dos?|items?|stuff))?(?:\s+(?:from|off|on) (?:my|the) list)?$`,
    'i',
  ).test(s) || /^clear (?:my |the )?(?:list|done|completed)$/i.test(s) || /^(?:clean up|tidy up|tidy) (?:my |the )?list$/i.test(s);
  return m ? call({ kind: 'tool', name: 'clear_completed', args: {} }) : undefined;
}

// ---------------------------------------------------------------- task actions

/** "all", "everything", "2 and 3": the tools act on one task at a time. */
const SEVERAL_TASKS = /^(?:all|everything|every task|all (?:of )?(?:them|my tasks|tasks|the tasks|todos)|(?:#?\d+|\w+ one)(?:\s*(?:,|and|&)\s*(?:the\s+)?(?:#?\d+|\w+ one))+)$/i;

function taskCall(name: TaskToolCall['name'], refText: string, c: ConversationContext): Interpretation {
  if (SEVERAL_TASKS.test(refText.trim().replace(/^the\s+/i, ''))) {
    const hint = name === 'delete_task' ? ' To remove every finished task, say “clear completed”.' : '';
    return { kind: 'clarify', question: `I can only do that for one task at a time — which one? Say its number or part of its title.${hint}` };
  }
  const task = parseReference(refText, c);
  if (!task) return { kind: 'clarify', question: `Which task should I ${verbFor(name)}? Say its number or part of its title.` };
  return { kind: 'tool', name, args: { task } } as ToolCall;
}

function verbFor(name: TaskToolCall['name']): string {
  return { complete_task: 'mark as done', reopen_task: 'reopen', delete_task: 'delete', update_task: 'change' }[name];
}

function complete(s: string, c: ConversationContext): Interpretation | undefined {
  const patterns = [
    new RegExp(String.raw`^(?:mark|set|flag)\s+(.+?)\s+(?:as\s+)?${DONE_WORDS}$`, 'i'),
    /^(?:check|tick|cross|strike)\s+(.+?)\s+off(?: (?:my|the) list)?$/i,
    /^(?:complete|finish|finished|completed|done(?: with)?|check(?: off)?|tick(?: off)?|cross(?: off| out)?|strike(?: off| out)?|close|mark off|mark done|mark complete)\s*:?\s+(.+)$/i,
    /^i(?:'ve| have)?\s+(?:just\s+|already\s+)?(?:finished|completed|done|did)\s+(.+)$/i,
    /^i(?:'m| am)\s+(?:done|finished)\s+with\s+(.+)$/i,
    new RegExp(String.raw`^(.+?)\s+(?:is|are|was|has been)\s+(?:now\s+|already\s+)?${DONE_WORDS}$`, 'i'),
  ];
  for (const p of patterns) {
    const m = p.exec(s);
    if (m) return taskCall('complete_task', m[1]!, c);
  }
  return undefined;
}

function reopen(s: string, c: ConversationContext): Interpretation | undefined {
  const patterns = [
    /^(?:reopen|re-open|uncheck|untick|unmark|restore|reactivate|uncomplete|un-complete|undo)\s+(.+)$/i,
    new RegExp(String.raw`^(?:mark|set|flag|put)\s+(.+?)\s+(?:as\s+|back\s+(?:to|as)\s+)?${NOT_DONE_WORDS}(?: again)?$`, 'i'),
    /^(.+?)\s+(?:is not|isn't|is|was not|wasn't)\s+(?:not\s+)?(?:done|finished|complete|completed)\s+(?:yet|after all)$/i,
    /^(.+?)\s+(?:isn't|is not|wasn't|was not)\s+(?:really\s+)?(?:done|finished|complete|completed)$/i,
    /^i\s+(?:didn't|did not|haven't|have not)\s+(?:actually\s+)?(?:finish|finished|complete|completed|do|done)\s+(.+?)(?:\s+(?:yet|after all))?$/i,
  ];
  for (const p of patterns) {
    const m = p.exec(s);
    if (m) return taskCall('reopen_task', m[1]!, c);
  }
  return undefined;
}

function remove(s: string, c: ConversationContext): Interpretation | undefined {
  const m =
    /^(?:delete|remove|erase|drop|trash|discard|cancel|scrap|bin|forget(?: about)?|get rid of|throw away|throw out|kill)\s+(.+?)(?:\s+(?:from|off) (?:my|the) (?:list|tasks|todos?|to-dos?))?$/i.exec(s);
  return m ? taskCall('delete_task', m[1]!, c) : undefined;
}

function update(s: string, c: ConversationContext): Interpretation | undefined {
  return rename(s, c) ?? removeDue(s, c) ?? reschedule(s, c) ?? reprioritise(s, c) ?? changeTo(s, c);
}

function rename(s: string, c: ConversationContext): Interpretation | undefined {
  const patterns = [
    /^(?:rename|retitle|re-title|re-name)\s+(.+?)\s+(?:to|as|into)\s+(.+)$/i,
    /^change\s+(?:the\s+)?(?:title|name|text|wording)\s+of\s+(.+?)\s+to\s+(.+)$/i,
    /^(?:call|name)\s+(.+?)\s+(["'“‘].+["'”’])$/i,
  ];
  for (const p of patterns) {
    const m = p.exec(s);
    if (m) return withTask(m[1]!, c, { title: cleanTitle(m[2]!) }, 'rename');
  }
  return undefined;
}

function removeDue(s: string, c: ConversationContext): Interpretation | undefined {
  const m =
    /^(?:remove|clear|delete|drop|unset|take off|cancel)\s+(?:the\s+)?(?:due date|deadline|date|due)\s+(?:of|from|for|on)\s+(.+)$/i.exec(s) ??
    /^(?:no (?:due date|deadline) (?:for|on))\s+(.+)$/i.exec(s) ??
    /^(.+?)\s+(?:has|needs)\s+no\s+(?:due date|deadline)$/i.exec(s) ??
    /^(?:make|mark)\s+(.+?)\s+(?:not due|undated)$/i.exec(s);
  return m ? withTask(m[1]!, c, { dueAt: null }, 'reschedule') : undefined;
}

function reschedule(s: string, c: ConversationContext): Interpretation | undefined {
  const m =
    /^(?:move|reschedule|postpone|push(?: back)?|defer|delay|shift|put off|bump)\s+(.+?)\s+(?:to|until|till|for|until|by)\s+(.+)$/i.exec(s) ??
    /^(?:set|change|update|make)\s+(?:the\s+)?(?:due date|deadline|due time|date)\s+(?:of|for|on)\s+(.+?)\s+(?:to|as)\s+(.+)$/i.exec(s) ??
    /^(.+?)\s+(?:is|should be)\s+due\s+(.+)$/i.exec(s) ??
    /^(?:make|set)\s+(.+?)\s+due\s+(.+)$/i.exec(s) ??
    /^(?:reschedule|postpone)\s+(.+?)\s+((?:tomorrow|today|tonight|next|this|in|on|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b.*)$/i.exec(s);
  if (!m) return undefined;
  const due = dueFrom(m[2]!, c);
  if (!due) return { kind: 'clarify', question: `I could not read “${m[2]}” as a date. Try “tomorrow at 5pm”, “next friday” or “in 3 days”.` };
  return withTask(m[1]!, c, { dueAt: due }, 'reschedule');
}

function reprioritise(s: string, c: ConversationContext): Interpretation | undefined {
  let m = /^(?:set|change|update|make)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+?)\s+(?:to|as)\s+(.+)$/i.exec(s);
  if (m) {
    const priority = priorityIn(m[2]!, true);
    if (!priority) return { kind: 'clarify', question: 'Which priority: low, medium or high?' };
    return withTask(m[1]!, c, { priority }, 'reprioritise');
  }
  m = new RegExp(String.raw`^(?:make|mark|set|flag)\s+(.+?)\s+(?:as\s+|to\s+)?(?:a\s+)?(${PRIORITY_WORDS})$`, 'i').exec(s);
  if (m) return withTask(m[1]!, c, { priority: priorityIn(m[2]!, true)! }, 'reprioritise');
  m = /^(raise|increase|bump up|bump|up|lower|decrease|reduce|drop)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+)$/i.exec(s);
  if (m) return withTask(m[2]!, c, { priority: /^(?:lower|decrease|reduce|drop)$/i.test(m[1]!) ? 'low' : 'high' }, 'reprioritise');
  m = /^(prioriti[sz]e|deprioriti[sz]e|de-prioriti[sz]e)\s+(.+)$/i.exec(s);
  if (m) return withTask(m[2]!, c, { priority: /^de/i.test(m[1]!) ? 'low' : 'high' }, 'reprioritise');
  m = new RegExp(String.raw`^(.+?)\s+(?:is|should be)\s+(?:a\s+)?(${PRIORITY_WORDS})$`, 'i').exec(s);
  if (m) return withTask(m[1]!, c, { priority: priorityIn(m[2]!, true)! }, 'reprioritise');
  return undefined;
}

/** "change 2 to friday" reschedules, "change 2 to urgent" reprioritises, "change 2 to oat milk" renames. */
function changeTo(s: string, c: ConversationContext): Interpretation | undefined {
  const m = /^(?:change|update|edit|set)\s+(.+?)\s+to\s+(.+)$/i.exec(s);
  if (!m) return undefined;
  const value = m[2]!;
  if (new RegExp(String.raw`^${PRIORITY_WORDS}(?:\s+priority)?$`, 'i').test(value)) {
    return withTask(m[1]!, c, { priority: priorityIn(value, true)! }, 'reprioritise');
  }
  const found = findDate(value, c.now, c.timeZone);
  if (found && found.index === 0 && found.text.length >= value.replace(/^(?:on|at|by)\s+/i, '').length - 1) {
    return withTask(m[1]!, c, { dueAt: found.date.toISOString() }, 'reschedule');
  }
  return withTask(m[1]!, c, { title: cleanTitle(value) }, 'rename');
}

function withTask(
  refText: string,
  c: ConversationContext,
  changes: { title?: string; dueAt?: string | null; priority?: Priority },
  action: string,
): Interpretation {
  const task = parseReference(refText, c);
  if (!task) return { kind: 'clarify', question: `Which task should I ${action}? Say its number or part of its title.` };
  if (changes.title !== undefined && changes.title === '') return { kind: 'clarify', question: 'What should the new title be?' };
  return { kind: 'tool', name: 'update_task', args: { task, ...changes } };
}

function dueFrom(text: string, c: ConversationContext): string | undefined {
  return findDate(text, c.now, c.timeZone)?.date.toISOString();
}

// ---------------------------------------------------------------- list

function list(s: string): Interpretation | undefined {
  const looksLikeList =
    /^(?:tasks?|todos?|to-dos?|to do|my tasks|my todos|my to-dos|my list|the list|list|ls|agenda|my agenda|pending|overdue|completed|done|everything|all|all tasks|today|due today)$/i.test(s) ||
    /^(?:show|list|display|view|see|get|give|print|tell|read|check|open|bring up|pull up|fetch)\b/i.test(s) ||
    /^(?:what|what's|whats|which)\b.*\b(?:on my|list|tasks?|todos?|to-dos?|to do|left|due|overdue|done|finished|completed|pending|open|remaining|have|got|plan|agenda|need)\b/i.test(s) ||
    /^(?:anything|is anything|is there anything|are there any|are any|do i have (?:any|anything)|any|how many|have i got any)\b/i.test(s) ||
    /^(?:where am i|am i (?:behind|late)|how am i doing|what(?:'s| is) next|what now|what should i do)\b/i.test(s);
  return looksLikeList ? call({ kind: 'tool', name: 'list_tasks', args: { filter: listFilter(s) } }) : undefined;
}

function listFilter(s: string): ListFilter {
  if (/\b(?:overdue|late|past due|missed|behind)\b/i.test(s)) return 'overdue';
  if (/\btoday(?:'s)?\b|\btonight\b/i.test(s)) return 'due_today';
  if (/\b(?:not done|not finished|not completed|unfinished|incomplete|uncompleted|undone)\b/i.test(s)) return 'pending';
  if (/\b(?:completed|done|finished|checked off|ticked off|closed|achieved|accomplished)\b/i.test(s) && !/\bto be done\b/i.test(s)) return 'completed';
  if (/\b(?:pending|open|remaining|left|outstanding|active|still|have to|need to|got to|gotta|must|should|next|now)\b/i.test(s)) return 'pending';
  return 'all';
}

// ---------------------------------------------------------------- add

function explicitAdd(s: string, c: ConversationContext): Interpretation | undefined {
  const m =
    /^(?:add|create|insert|jot down|write down|note down|put|enter|new)\s+(?:(?:a|an|another|one more|new|the)\s+)*(?:(?:task|todo|to-do|item|reminder|entry|note)\b)?\s*(?::|-|to say|that says|called|named|titled|saying|for|about)?\s*(.+)$/i.exec(s) ??
    /^(?:todo|to-do|to do|task|new task|reminder|note)\s*:\s*(.+)$/i.exec(s) ??
    /^remind me\s+(?:to|about|of|that i (?:need|have) to)\s+(.+)$/i.exec(s) ??
    /^remind me\s+((?:tomorrow|today|tonight|on \w+|next \w+|in \d+ \w+|this \w+|at [\w:]+)(?:\s+(?:at|on) [\w:]+)?\s+(?:to|about)\s+.+)$/i.exec(s) ??
    /^(?:remember|don't forget|dont forget|do not forget|note)\s+(?:to|that i need to|that i have to)\s+(.+)$/i.exec(s) ??
    /^(?:schedule|plan|book)\s+(.+)$/i.exec(s);
  return m ? addTask(m[1]!, c) : undefined;
}

function impliedAdd(s: string, c: ConversationContext): Interpretation | undefined {
  const m = /^(?:i\s+(?:need|have|must|should|gotta|got|ought|want)(?:\s+to)?|i've got to|i have got to|need to|have to|must)\s+(.+)$/i.exec(s);
  return m ? addTask(m[1]!, c) : undefined;
}

function addTask(body: string, c: ConversationContext): Interpretation {
  const quoted = /"([^"]+)"|“([^”]+)”|‘([^’]+)’|(?:^|\s)'(.+?)'(?=[\s,]|$)/.exec(body);
  let title = quoted ? quoted.slice(1).find((group) => group !== undefined)! : body;
  let rest = quoted ? body.replace(quoted[0], ' ') : body;

  const priority = priorityIn(rest);
  rest = stripPriority(rest);
  if (!quoted) title = rest;

  let dueAt: string | undefined;
  const found = findDate(rest, c.now, c.timeZone);
  if (found) {
    dueAt = found.date.toISOString();
    if (!quoted) {
      const before = rest.slice(0, found.index).replace(/[\s,]*(?:(?:due|by|on|at|in|before|for|until|till|starting|from|this|it's|it is)\s*)*$/i, '');
      const after = rest.slice(found.index + found.text.length);
      title = `${before} ${after}`;
    }
  }
  title = cleanTitle(title.replace(/\s+(?:to|on|onto|in|into)\s+(?:my|the)\s+(?:todo |to-do |to do |task )?(?:list|tasks|todos|to-dos)\b/i, ''));
  if (title === '') return { kind: 'clarify', question: 'What should the new task be called?' };
  return {
    kind: 'tool',
    name: 'add_task',
    args: { title, ...(dueAt ? { dueAt } : {}), ...(priority ? { priority } : {}) },
  };
}

/** The priority a sentence asks for; bare "high"/"low" count only where a priority is expected. */
function priorityIn(s: string, bareLevels = false): Priority | undefined {
  const bare = (level: string) => (bareLevels ? `|${level}` : '');
  if (new RegExp(String.raw`\b(?:not urgent|unimportant|no rush|low[- ]priority|lowest priority|priority:?\s*low${bare('low')})\b`, 'i').test(s)) return 'low';
  if (new RegExp(String.raw`\b(?:urgent|urgently|asap|important|top priority|high[- ]priority|highest priority|priority:?\s*high${bare('high')})\b|!!`, 'i').test(s)) return 'high';
  if (new RegExp(String.raw`\b(?:(?:medium|normal)[- ]priority|priority:?\s*(?:medium|normal)${bare('medium|normal')})\b`, 'i').test(s)) return 'medium';
  return undefined;
}

function stripPriority(s: string): string {
  return s
    .replace(
      /[\s,(—–-]*(?:(?:and|it's|it is|this is|with|as|at|mark(?:ed)? (?:as|it)|make it|set to)\s+)*(?:(?:a|an)\s+)?(?:not urgent|unimportant|no rush|urgent(?:ly)?|asap|important|top priority|(?:high|low|medium|normal)[- ]priority|priority:?\s*(?:high|low|medium|normal))[\s,)!]*/gi,
      ' ',
    )
    .replace(/!{2,}/g, ' ');
}

function cleanTitle(s: string): string {
  const t = s
    .replace(/^["“‘']+|["”’']+$/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,:;—–-]+|[\s,:;—–-]+$/g, '')
    .replace(/^to\s+(?=\S)/i, '')
    .trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// ---------------------------------------------------------------- references

/** "2", "#2", "task 2", "the second one", "the last one", "it", or (part of) a title. */
export function parseReference(text: string, c: Pick<ConversationContext, 'lastTaskId'>): TaskReference | undefined {
  const s = text
    .trim()
    .replace(/^["“‘']+|["”’']+$/g, '')
    .replace(/^(?:the|my|that|this)\s+(?=\S)/i, '')
    .trim();
  if (/^(?:it|that|this|that one|this one|that task|this task)$/i.test(s)) return c.lastTaskId ? { id: c.lastTaskId } : undefined;
  let m = /^(?:(?:task|item|todo|to-do|number|no\.?|#)\s*)?#?(\d{1,4})(?:st|nd|rd|th)?(?:\s+(?:one|task|item|todo|on the list))?$/i.exec(s);
  if (m && Number(m[1]) > 0) return { position: Number(m[1]) };
  m = /^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|second last|second to last|next to last|penultimate)(?:\s+(?:one|task|item|todo|to-do|on the list|in the list))*$/i.exec(s);
  if (m) return { position: ORDINALS[m[1]!.toLowerCase()]! };
  m = /^(?:number|task|item)\s+(one|two|three|four|five|six|seven|eight|nine|ten)$/i.exec(s);
  if (m) return { position: ORDINALS[m[1]!.toLowerCase()]! };
  const title = s.replace(/\s+(?:task|todo|to-do|item|one)$/i, '').replace(/^(?:task|todo|to-do|item)\s*:?\s+/i, '').trim();
  return title === '' ? undefined : { title };
}

function answerToPendingQuestion(s: string, c: ConversationContext): Interpretation | undefined {
  if (!c.pendingCall) return undefined;
  const task = parseReference(s.replace(/^(?:i mean|i meant|the one called|it's|it is)\s+/i, ''), c);
  if (!task) return undefined;
  return { ...c.pendingCall, args: { ...c.pendingCall.args, task } } as ToolCall;
}
