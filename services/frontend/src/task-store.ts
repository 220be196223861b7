/**
 * The app's task state: the tasks of the current view (filter + search) in the one shared order,
 * the paging cursor, and every change to them. Views read it and re-render on `onChange`.
 */
import { ApiError, type ApiClient, type NewTask, type Task, type TaskPatch } from './api.js';
import { applyTaskChange, compareTasks, filterToStatus, type Filter } from './tasks.js';

const PAGE_SIZE = 100;
/** Bursts of change notices (a chat reply + tasks-changed) become one reload. */
const REFRESH_DELAY_MS = 120;

export class TaskStore {
  tasks: readonly Task[] = [];
  nextCursor: string | null = null;
  filter: Filter = 'all';
  query = '';
  /** Why the last load failed, in words; null once a load succeeds. */
  loadError: string | null = null;
  private loadSeq = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly api: ApiClient,
    private readonly onChange: () => void,
  ) {}

  /** Loads the first page of the view, or the page after `cursor` ("Show more"). */
  async load(cursor: string | null = null): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const page = await this.api.listTasks({ status: filterToStatus(this.filter), q: this.query, limit: PAGE_SIZE, cursor });
      if (seq !== this.loadSeq || this.stopped) return; // a newer load or a logout superseded this one
      const known = cursor ? this.tasks : [];
      this.tasks = [...known, ...page.items.filter((t) => !known.some((k) => k.id === t.id))].sort(compareTasks);
      this.nextCursor = page.nextCursor;
      this.loadError = null;
    } catch (error) {
      if (seq !== this.loadSeq || this.stopped) return;
      this.loadError = error instanceof ApiError ? error.message : 'Could not load your tasks.';
    }
    this.onChange();
  }

  /** Something else (the assistant, another tab) may have changed tasks: reload soon, once. */
  scheduleRefresh(): void {
    if (this.stopped) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.load(), REFRESH_DELAY_MS);
  }

  setView(view: { filter?: Filter; query?: string }): void {
    this.filter = view.filter ?? this.filter;
    this.query = view.query ?? this.query;
    void this.load();
  }

  async create(task: NewTask): Promise<Task> {
    return this.apply(await this.api.createTask(task));
  }

  async update(id: string, patch: TaskPatch): Promise<Task> {
    return this.apply(await this.api.updateTask(id, patch));
  }

  async remove(id: string): Promise<void> {
    await this.api.deleteTask(id);
    this.tasks = this.tasks.filter((t) => t.id !== id);
    this.onChange();
  }

  /** After logout: nothing in flight may touch the screen any more. */
  stop(): void {
    this.stopped = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  private apply(changed: Task): Task {
    this.tasks = applyTaskChange(this.tasks, changed, this.filter, this.query);
    this.onChange();
    return changed;
  }
}
