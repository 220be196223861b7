/**
 * The task list: numbered rows (1, 2, 3… in the shared order, the numbers the assistant uses:
 * "complete 2" is row 2), each with its checkbox, priority badge, due date, Edit and Delete.
 * An open editor survives re-renders, so a live update never eats what is being typed.
 */
import { formatDue } from '../../shared/due-format.js';
import { ApiError, type Task } from './api.js';
import { browserTimeZone } from './chat.js';
import { isOverdue } from './dates.js';
import { h } from './dom.js';
import { editTaskForm, priorityLabel } from './task-form.js';
import type { TaskStore } from './task-store.js';

export class TaskListView {
  readonly element = h('ol', { class: 'task-list', 'aria-label': 'Tasks' });
  /** Shown instead of the list when the view is empty. */
  readonly emptyNote = h('p', { class: 'empty', hidden: true });
  private editingId: string | null = null;
  private editor: HTMLElement | null = null;
  /** A failed change or delete, shown on its row until the next attempt. */
  private readonly rowErrors = new Map<string, string>();

  constructor(
    private readonly store: TaskStore,
    /** Where focus goes when the last task is deleted. */
    private readonly focusFallback: () => void,
  ) {}

  render(): void {
    const { tasks } = this.store;
    if (this.editingId !== null && !tasks.some((t) => t.id === this.editingId)) this.closeEditor(); // deleted or filtered away elsewhere
    const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.['key'];
    const now = new Date();
    const timeZone = browserTimeZone() ?? 'UTC';
    this.element.replaceChildren(
      ...tasks.map((task, index) => (task.id === this.editingId ? this.editorRow(task) : this.row(task, index + 1, now, timeZone))),
    );
    this.emptyNote.hidden = tasks.length > 0;
    this.emptyNote.textContent =
      this.store.query || this.store.filter !== 'all' ? 'No tasks match.' : 'No tasks yet. Add one above, or ask the assistant.';
    if (focusedKey) this.element.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusedKey)}"]`)?.focus();
  }

  private row(task: Task, number: number, now: Date, timeZone: string): HTMLElement {
    const checkboxId = `task-${task.id}`;
    const checkbox = h('input', { type: 'checkbox', id: checkboxId, checked: task.completed, 'data-key': `check-${task.id}` });
    checkbox.addEventListener('change', () => {
      checkbox.disabled = true;
      void this.attempt(task, () => this.store.update(task.id, { completed: checkbox.checked }), 'Could not save that change.');
    });
    const overdue = isOverdue(task.dueAt, task.completed, now);
    const error = this.rowErrors.get(task.id);
    return h(
      'li',
      { class: `task${task.completed ? ' done' : ''}${overdue ? ' overdue' : ''}`, 'data-task-id': task.id },
      // The <ol> already tells screen readers the position; the digits are for the eye.
      h('span', { class: 'number', 'aria-hidden': 'true' }, String(number)),
      checkbox,
      h(
        'div',
        { class: 'body' },
        h('label', { for: checkboxId, class: 'title' }, task.title),
        h(
          'div',
          { class: 'meta' },
          h(
            'span',
            { class: `priority priority-${task.priority}` },
            priorityLabel(task.priority),
            h('span', { class: 'sr-only' }, ' priority'),
          ),
          task.dueAt ? h('span', { class: 'due' }, `${overdue ? 'Overdue' : 'Due'} ${formatDue(task.dueAt, { now, timeZone })}`) : null,
        ),
      ),
      h(
        'span',
        { class: 'item-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'aria-label': `Edit ${task.title}`,
            'data-key': `edit-${task.id}`,
            onclick: () => this.openEditor(task.id),
          },
          'Edit',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'link danger',
            'aria-label': `Delete ${task.title}`,
            'data-key': `delete-${task.id}`,
            onclick: () => void this.remove(task),
          },
          'Delete',
        ),
      ),
      error ? h('p', { class: 'form-error', role: 'alert' }, error) : null,
    );
  }

  private editorRow(task: Task): HTMLElement {
    this.editor ??= h(
      'li',
      { class: 'task editing', 'data-task-id': task.id },
      editTaskForm(
        task,
        (changes) => this.store.update(task.id, changes),
        () => {
          this.closeEditor();
          this.render();
          document.getElementById(`task-${task.id}`)?.focus();
        },
      ),
    );
    return this.editor;
  }

  private openEditor(id: string): void {
    this.editingId = id;
    this.editor = null;
    this.render();
  }

  private closeEditor(): void {
    this.editingId = null;
    this.editor = null;
  }

  private async remove(task: Task): Promise<void> {
    const index = this.store.tasks.findIndex((t) => t.id === task.id);
    if (!(await this.attempt(task, () => this.store.remove(task.id), 'Could not delete that task.'))) return;
    // Keep keyboard focus in the list: the next task, else the previous, else the new-task field.
    const neighbour = this.store.tasks[Math.min(index, this.store.tasks.length - 1)];
    if (neighbour) document.getElementById(`task-${neighbour.id}`)?.focus();
    else this.focusFallback();
  }

  /** Runs one row action; a failure is shown on the row. True when it worked. */
  private async attempt(task: Task, action: () => Promise<unknown>, fallback: string): Promise<boolean> {
    this.rowErrors.delete(task.id);
    try {
      await action();
      return true;
    } catch (error) {
      this.rowErrors.set(task.id, error instanceof ApiError ? error.message : fallback);
      this.render();
      return false;
    }
  }
}
