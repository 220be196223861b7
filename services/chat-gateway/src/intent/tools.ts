/**
 * The fixed tool interface between "understanding a sentence" and "acting on tasks".
 *
 * The rule-based engine produces these calls today; an LLM with tool calling can produce the
 * very same calls later from {@link TOOL_SCHEMAS}, and the executor does not need to change.
 */

import type { Priority } from '../../../shared/todo-api-types.js';

export type { Priority };

export type ListFilter = 'all' | 'pending' | 'completed' | 'due_today' | 'overdue';

/**
 * A task named by the user: its number in the last list shown (negative counts from the end,
 * -1 is the last), (part of) its title, or its id when the caller already knows it.
 */
export type TaskReference = { readonly position: number } | { readonly title: string } | { readonly id: string };

export interface AddTaskArgs {
  readonly title: string;
  /** ISO 8601 instant. */
  readonly dueAt?: string;
  readonly priority?: Priority;
}

export interface ListTasksArgs {
  readonly filter: ListFilter;
  /** Only open tasks due in [from, to) (ISO instants): "due tomorrow", "this week", "on friday". */
  readonly dueBetween?: { readonly from: string; readonly to: string; readonly label: string };
  readonly priority?: Priority;
  /** Only tasks without a due date ("what has no date"). */
  readonly undated?: boolean;
  /** Say how many tasks match instead of listing them ("how many …"). */
  readonly count?: boolean;
}

export interface TaskArgs {
  readonly task: TaskReference;
}

export interface UpdateTaskArgs extends TaskArgs {
  readonly title?: string;
  /** ISO 8601 instant, or null to remove the due date. */
  readonly dueAt?: string | null;
  readonly priority?: Priority;
  /** Move the task's current due date by this much ("push it back two days"); months keep the day. */
  readonly shiftDueBy?: { readonly ms: number; readonly months: number };
}

export type ToolCall =
  | { readonly kind: 'tool'; readonly name: 'add_task'; readonly args: AddTaskArgs }
  | { readonly kind: 'tool'; readonly name: 'list_tasks'; readonly args: ListTasksArgs }
  | { readonly kind: 'tool'; readonly name: 'complete_task'; readonly args: TaskArgs }
  | { readonly kind: 'tool'; readonly name: 'reopen_task'; readonly args: TaskArgs }
  | { readonly kind: 'tool'; readonly name: 'update_task'; readonly args: UpdateTaskArgs }
  | { readonly kind: 'tool'; readonly name: 'delete_task'; readonly args: TaskArgs }
  | { readonly kind: 'tool'; readonly name: 'clear_completed'; readonly args: Record<string, never> }
  | { readonly kind: 'tool'; readonly name: 'help'; readonly args: Record<string, never> };

export type ToolName = ToolCall['name'];

/** A call on a task whose reference still has to be supplied (kept while asking "which one?"). */
export type TaskToolCall = Extract<ToolCall, { readonly args: TaskArgs }>;

export const TOOL_NAMES: readonly ToolName[] = [
  'add_task',
  'list_tasks',
  'complete_task',
  'reopen_task',
  'update_task',
  'delete_task',
  'clear_completed',
  'help',
];

const taskReferenceSchema = {
  description: 'The task: its 1-based number in the list last shown to the user (-1 is the last), part of its title, or its id.',
  oneOf: [
    {
      type: 'object',
      properties: { position: { type: 'integer', not: { const: 0 } } },
      required: ['position'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { id: { type: 'string', minLength: 1 } },
      required: ['id'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { title: { type: 'string', minLength: 1, maxLength: 200 } },
      required: ['title'],
      additionalProperties: false,
    },
  ],
} as const;

const prioritySchema = { type: 'string', enum: ['low', 'medium', 'high'] } as const;

/** About ten years either way: a larger shift is no request, and `new Date` past ±8.64e15 ms would throw. */
const MAX_SHIFT_MS = 10 * 366 * 86_400_000;
const MAX_SHIFT_MONTHS = 120;

/** JSON-schema tool definitions, in the shape LLM tool-calling APIs take (name, description, parameters). */
export const TOOL_SCHEMAS = [
  {
    name: 'add_task',
    description: 'Create a new task.',
    parameters: {
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 200 },
        dueAt: { type: 'string', format: 'date-time' },
        priority: prioritySchema,
      },
      required: ['title'],
      additionalProperties: false,
    },
  },
  {
    name: 'list_tasks',
    description: 'Show the user their tasks, or say how many there are ("how many …" sets count).',
    parameters: {
      type: 'object',
      properties: {
        filter: {
          type: 'string',
          enum: ['all', 'pending', 'completed', 'due_today', 'overdue'],
          description:
            'all tasks; pending = not done; completed = done; due_today = not done and due today; overdue = not done and past due.',
        },
        dueBetween: {
          type: 'object',
          description:
            'Only tasks due from `from` (inclusive) to `to` (exclusive), e.g. the local day of "due tomorrow" or Monday to Monday for "this week"; `label` names the range in the reply ("tomorrow", "this week").',
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            label: { type: 'string', minLength: 1, maxLength: 60 },
          },
          required: ['from', 'to', 'label'],
          additionalProperties: false,
        },
        priority: { ...prioritySchema, description: 'Only tasks of this priority ("urgent" and "important" are high).' },
        undated: { type: 'boolean', description: 'true: only tasks without a due date.' },
        count: { type: 'boolean', description: 'true: answer with the number of matching tasks instead of listing them.' },
      },
      required: ['filter'],
      // No due date and a due range exclude each other.
      dependencies: { undated: { properties: { dueBetween: false } } },
      additionalProperties: false,
    },
  },
  {
    name: 'complete_task',
    description: 'Mark a task as done.',
    parameters: { type: 'object', properties: { task: taskReferenceSchema }, required: ['task'], additionalProperties: false },
  },
  {
    name: 'reopen_task',
    description: 'Mark a done task as not done again.',
    parameters: { type: 'object', properties: { task: taskReferenceSchema }, required: ['task'], additionalProperties: false },
  },
  {
    name: 'update_task',
    description: 'Rename a task, set, move or remove its due date, or change its priority.',
    parameters: {
      type: 'object',
      properties: {
        task: taskReferenceSchema,
        title: { type: 'string', minLength: 1, maxLength: 200 },
        dueAt: { type: ['string', 'null'], format: 'date-time', description: 'The new due date, or null to remove it.' },
        priority: prioritySchema,
        shiftDueBy: {
          type: 'object',
          description:
            'Move the current due date instead of setting one: by `ms` milliseconds and `months` months (a month keeps the day of the month); negative is earlier. "push it back two days" is {"ms": 172800000, "months": 0}.',
          properties: {
            ms: { type: 'integer', minimum: -MAX_SHIFT_MS, maximum: MAX_SHIFT_MS },
            months: { type: 'integer', minimum: -MAX_SHIFT_MONTHS, maximum: MAX_SHIFT_MONTHS },
          },
          required: ['ms', 'months'],
          additionalProperties: false,
        },
      },
      required: ['task'],
      minProperties: 2,
      // A new due date and a shift of the old one contradict each other.
      dependencies: { shiftDueBy: { properties: { dueAt: false } } },
      additionalProperties: false,
    },
  },
  {
    name: 'delete_task',
    description: 'Delete a task for good.',
    parameters: { type: 'object', properties: { task: taskReferenceSchema }, required: ['task'], additionalProperties: false },
  },
  {
    name: 'clear_completed',
    description: 'Delete every completed task.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'help',
    description: 'Explain what the assistant can do.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
] as const satisfies readonly { name: ToolName; description: string; parameters: object }[];
