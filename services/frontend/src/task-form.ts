/** The task forms: "add a task" above the list, and the editor that replaces a row while editing. */
import type { NewTask, Priority, Task } from './api.js';
import { fromDateTimeLocal, toDateTimeLocal } from './dates.js';
import { h } from './dom.js';
import { bindForm, field, formAlert, type FormField } from './form.js';
import { titleProblem } from './validation.js';

export const PRIORITIES: readonly { readonly value: Priority; readonly label: string }[] = [
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
  { value: 'low', label: 'Low' },
];

export function priorityLabel(priority: Priority): string {
  return PRIORITIES.find((p) => p.value === priority)?.label ?? priority;
}

interface TaskFields {
  readonly title: FormField<HTMLInputElement>;
  readonly dueAt: FormField<HTMLInputElement>;
  readonly priority: FormField<HTMLSelectElement>;
}

/** Title, due and priority fields, filled from `task` when editing. No maxlength: it counts UTF-16 units, the API counts code points. */
function taskFields(labels: { title: string; dueAt: string }, task: Task | undefined, key: string): TaskFields {
  const priority = h('select', { name: 'priority', 'data-key': `${key}-priority` });
  for (const p of PRIORITIES) priority.append(h('option', { value: p.value, selected: p.value === (task?.priority ?? 'medium') }, p.label));
  return {
    title: field(
      labels.title,
      h('input', { type: 'text', name: 'title', value: task?.title ?? '', autocomplete: 'off', 'data-key': `${key}-title` }),
      'grow',
    ),
    dueAt: field(
      labels.dueAt,
      h('input', { type: 'datetime-local', name: 'dueAt', value: toDateTimeLocal(task?.dueAt ?? null), 'data-key': `${key}-due` }),
    ),
    priority: field('Priority', priority),
  };
}

/** The values as they will be sent, with what is wrong with them. */
function read(fields: TaskFields): { task: Required<NewTask>; problems: Partial<Record<keyof TaskFields, string>> } {
  const title = fields.title.input.value.trim();
  const dueAt = fromDateTimeLocal(fields.dueAt.input.value);
  const problems: Partial<Record<keyof TaskFields, string>> = {};
  const titleError = titleProblem(title);
  if (titleError) problems.title = titleError;
  if (dueAt === undefined) problems.dueAt = 'Enter a valid date and time.';
  return { task: { title, dueAt: dueAt ?? null, priority: fields.priority.input.value as Priority }, problems };
}

/** The add form; `save` creates the task (errors it throws are shown in the form). */
export function addTaskForm(save: (task: Required<NewTask>) => Promise<unknown>): { form: HTMLFormElement; focus: () => void } {
  const fields = taskFields({ title: 'New task', dueAt: 'Due (optional)' }, undefined, 'add');
  const alert = formAlert();
  const form = h(
    'form',
    { class: 'add-form' },
    fields.title.wrapper,
    fields.dueAt.wrapper,
    fields.priority.wrapper,
    h('button', { type: 'submit' }, 'Add'),
    alert,
  );
  bindForm(form, {
    fields,
    alert,
    validate: () => read(fields).problems,
    submit: async () => {
      await save(read(fields).task);
      fields.title.input.value = '';
      fields.dueAt.input.value = '';
      fields.priority.input.value = 'medium';
      fields.title.input.focus();
    },
  });
  return { form, focus: () => fields.title.input.focus() };
}

/** The editor for one task; `save` sends the changes, `close` ends editing (Cancel, Escape, or after saving). */
export function editTaskForm(task: Task, save: (changes: Required<NewTask>) => Promise<unknown>, close: () => void): HTMLFormElement {
  const fields = taskFields({ title: 'Title', dueAt: 'Due date' }, task, `edit-${task.id}`);
  const alert = formAlert();
  const form = h(
    'form',
    { class: 'edit-form', 'aria-label': `Edit ${task.title}` },
    fields.title.wrapper,
    fields.dueAt.wrapper,
    fields.priority.wrapper,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'),
    ),
    alert,
  );
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  bindForm(form, {
    fields,
    alert,
    validate: () => read(fields).problems,
    submit: async () => {
      await save(read(fields).task);
      close();
    },
  });
  queueMicrotask(() => fields.title.input.focus());
  return form;
}
