import type { ListTasksArgs, TaskToolCall, ToolCall, UpdateTaskArgs } from './tools.js';

/** What the conversation knows about a task it has shown or acted on. */
export interface ShownTask {
  readonly id: string;
  readonly title: string;
  readonly completed: boolean;
}

/** Everything an engine may use besides the sentence itself; plain data, so engines stay pure. */
export interface ConversationContext {
  /** The list last shown to the user, in the order shown ("complete 2" means its second item). */
  readonly lastShownTasks: readonly ShownTask[];
  /** The task the previous action was about, for "it" / "that one". */
  readonly lastTaskId?: string;
  /** A call that is waiting for the user to say which task they meant. */
  readonly pendingCall?: TaskToolCall;
  /** The current instant; injected so tests can pin the clock. */
  readonly now: Date;
  /** The user's IANA time zone, for "tomorrow at 5pm" and "due today". */
  readonly timeZone: string;
}

/** The engine needs more information from the user before it can act. */
export interface Clarification {
  readonly kind: 'clarify';
  readonly question: string;
}

/** The engine did not recognise a request about tasks; `reply` tells the user what does work. */
export interface Unknown {
  readonly kind: 'unknown';
  readonly reply: string;
}

/** Small talk (greetings, thanks, off-topic questions): a polite answer, no action. */
export interface Chat {
  readonly kind: 'chat';
  readonly reply: string;
}

/** Several calls from one sentence, carried out in order: "add eggs and bread", "complete 1 and 3". */
export interface Batch {
  readonly kind: 'batch';
  readonly calls: readonly ToolCall[];
}

/** One call on every task a list would show: "finish everything due today", "all of them" before any list. */
export interface Each {
  readonly kind: 'each';
  readonly name: TaskToolCall['name'];
  readonly matching: ListTasksArgs;
  /** For update_task: what to change on each task. */
  readonly changes?: Omit<UpdateTaskArgs, 'task'>;
}

/** Undo the last change the conversation made ("undo", "scratch that"). */
export interface Undo {
  readonly kind: 'undo';
}

export type Interpretation = ToolCall | Clarification | Unknown | Chat | Batch | Each | Undo;

/**
 * Turns a user's sentence into a call of the fixed tool interface (see tools.ts).
 * The rule-based engine is synchronous; an LLM-backed engine returns a promise.
 */
export interface IntentEngine {
  interpret(text: string, context: ConversationContext): Interpretation | Promise<Interpretation>;
}
