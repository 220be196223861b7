/** The todo app: sign in, the task list, and the chat assistant, wired to one origin. */
import './styles.css';
import { ApiClient, ApiError, sentenceForField, type Task } from './api.js';
import { ChatConnection, chatUrl, type ChatStatus, type ServerMessage } from './chat.js';
import { formatDue, fromDateTimeLocal, isOverdue, toDateTimeLocal } from './dates.js';
import { h, setFieldError, uid } from './dom.js';
import { isExpired, SessionStore, tokenExpiry, type Session } from './session.js';
import { applyTaskChange, compareTasks, FILTERS, filterToStatus, summarize, type Filter } from './tasks.js';

const EXPIRED_MESSAGE = 'Your session has expired. Please log in again.';
const PAGE_SIZE = 100;

const root = document.getElementById('app')!;
const store = new SessionStore(sessionStorage);
let session: Session | null = null;
let expiryTimer: ReturnType<typeof setTimeout> | null = null;
let chat: ChatConnection | null = null;

const api = new ApiClient({
  getToken: () => session?.token ?? null,
  onUnauthorized: () => endSession(EXPIRED_MESSAGE),
});

/** One labelled input with its error line. */
interface FormField {
  readonly wrapper: HTMLElement;
  readonly label: string;
  readonly input: HTMLInputElement;
  readonly error: HTMLElement;
}

/** Messages for a form's own fields go next to them; anything else goes to the form's alert. */
function showErrors(error: unknown, fields: Record<string, FormField>, formError: HTMLElement): void {
  const apiError = error instanceof ApiError ? error : new ApiError('Something went wrong. Try again.', 0);
  const unplaced: string[] = [];
  for (const [field, message] of Object.entries(apiError.fieldErrors)) {
    const target = fields[field];
    if (target) setFieldError(target.input, target.error, sentenceForField(target.label, message));
    else unplaced.push(`${field}: ${message}`);
  }
  const placed = Object.keys(apiError.fieldErrors).length - unplaced.length;
  formError.textContent = placed > 0 && unplaced.length === 0 ? '' : [apiError.message, ...unplaced].filter(Boolean).join(' ');
  formError.hidden = formError.textContent === '';
  if (placed > 0) Object.values(fields).find((f) => f.input.getAttribute('aria-invalid') === 'true')?.input.focus();
}

function clearErrors(fields: Record<string, FormField>, formError: HTMLElement): void {
  for (const f of Object.values(fields)) setFieldError(f.input, f.error, undefined);
  formError.textContent = '';
  formError.hidden = true;
}

function field(label: string, input: HTMLInputElement, extraClass = ''): FormField {
  input.id ||= uid('field');
  const error = h('p', { id: `${input.id}-error`, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: `field ${extraClass}`.trim() }, h('label', { for: input.id }, label), input, error);
  return { wrapper, label, input, error };
}

function formAlert(): HTMLElement {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

// ---------------------------------------------------------------- sign in / sign up

function showAuth(notice?: string): void {
  document.title = 'Log in · Todo';
  const email = field('Email', h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, spellcheck: 'false' }));
  const password = field('Password', h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }));
  const fields = { email, password };
  const alert = formAlert();
  const logIn = h('button', { type: 'submit', value: 'login' }, 'Log in');
  const signUp = h('button', { type: 'submit', value: 'signup', class: 'secondary' }, 'Sign up');
  const form = h('form', { class: 'card auth-form', novalidate: true }, email.wrapper, password.wrapper, alert, h('div', { class: 'actions' }, logIn, signUp));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const action = (event as SubmitEvent).submitter === signUp ? 'signup' : 'login';
    clearErrors(fields, alert);
    const errors: Record<string, string> = {};
    if (email.input.value.trim() === '') errors['email'] = 'Enter your email address.';
    if (password.input.value === '') errors['password'] = 'Enter your password.';
    if (Object.keys(errors).length > 0) return showErrors(new ApiError('', 400, errors), fields, alert);
    logIn.disabled = signUp.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const emailValue = email.input.value.trim();
      const token = action === 'signup' ? await api.register(emailValue, password.input.value) : await api.login(emailValue, password.input.value);
      startSession({ token, email: emailValue });
    } catch (error) {
      showErrors(error, fields, alert);
    } finally {
      logIn.disabled = signUp.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  root.replaceChildren(
    h(
      'main',
      { class: 'auth' },
      h('h1', {}, 'Todo'),
      h('p', { class: 'lead' }, 'Log in, or sign up with a new email address.'),
      notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
      form,
    ),
  );
  email.input.focus();
}

// ---------------------------------------------------------------- session

function startSession(next: Session): void {
  session = next;
  store.save(next);
  const exp = tokenExpiry(next.token);
  if (exp !== null) {
    // Timers cap at ~24.8 days; a longer token is caught by the API's 401 instead.
    const delay = exp * 1000 - Date.now();
    if (delay < 2 ** 31) expiryTimer = setTimeout(() => endSession(EXPIRED_MESSAGE), Math.max(0, delay));
  }
  showApp();
}

/** Log out: forget the token everywhere, close the socket, back to the sign-in screen. */
function endSession(notice?: string): void {
  if (!session) return;
  session = null;
  store.clear();
  if (expiryTimer) clearTimeout(expiryTimer);
  expiryTimer = null;
  chat?.stop();
  chat = null;
  showAuth(notice);
}

// ---------------------------------------------------------------- the app

function showApp(): void {
  if (!session) return;
  document.title = 'Tasks · Todo';
  const current = session;
  let tasks: Task[] = [];
  let nextCursor: string | null = null;
  let filter: Filter = 'all';
  let query = '';
  let editingId: string | null = null;
  // The open editor survives list re-renders (live updates arrive while the person types).
  let editor: HTMLElement | null = null;
  let loadSeq = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  const itemErrors = new Map<string, string>();

  // Add form
  const title = field('New task', h('input', { type: 'text', name: 'title', maxlength: 200, autocomplete: 'off' }), 'grow');
  const due = field('Due (optional)', h('input', { type: 'datetime-local', name: 'dueAt' }));
  const addAlert = formAlert();
  const addButton = h('button', { type: 'submit' }, 'Add');
  const addForm = h('form', { class: 'add-form', novalidate: true }, title.wrapper, due.wrapper, addButton, addAlert);
  const addFields = { title, dueAt: due };
  addForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(addFields, addAlert);
    const text = title.input.value.trim();
    const dueAt = fromDateTimeLocal(due.input.value);
    const errors: Record<string, string> = {};
    if (text === '') errors['title'] = 'Give the task a title.';
    if (dueAt === undefined) errors['dueAt'] = 'Enter a valid date and time.';
    if (Object.keys(errors).length > 0) return showErrors(new ApiError('', 400, errors), addFields, addAlert);
    addButton.disabled = true;
    try {
      const created = await api.createTask({ title: text, dueAt: dueAt ?? null });
      tasks = applyTaskChange(tasks, created, filter, query);
      title.input.value = '';
      due.input.value = '';
      renderList();
      title.input.focus();
    } catch (error) {
      showErrors(error, addFields, addAlert);
    } finally {
      addButton.disabled = false;
    }
  });

  // Filters and search
  const filterButtons = FILTERS.map(({ value, label }) =>
    h('button', { type: 'button', 'aria-pressed': String(value === filter), 'data-filter': value, onclick: () => setFilter(value) }, label),
  );
  const search = field('Search', h('input', { type: 'search', name: 'q', autocomplete: 'off' }));
  let searchTimer: ReturnType<typeof setTimeout> | null = null;
  search.input.addEventListener('input', () => {
    if (searchTimer) clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      query = search.input.value.trim();
      void loadTasks();
    }, 200);
  });
  function setFilter(value: Filter): void {
    filter = value;
    for (const b of filterButtons) b.setAttribute('aria-pressed', String(b.dataset['filter'] === value));
    void loadTasks();
  }

  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const listAlert = formAlert();
  const list = h('ul', { class: 'task-list', 'aria-label': 'Tasks' });
  const more = h('button', { type: 'button', class: 'secondary more', hidden: true }, 'Show more');
  more.addEventListener('click', () => void loadTasks(nextCursor));

  async function loadTasks(cursor: string | null = null): Promise<void> {
    const seq = ++loadSeq;
    try {
      const page = await api.listTasks({ status: filterToStatus(filter), q: query, limit: PAGE_SIZE, cursor });
      if (seq !== loadSeq || session !== current) return; // a newer load or a logout superseded this one
      tasks = (cursor ? [...tasks, ...page.items.filter((t) => !tasks.some((k) => k.id === t.id))] : [...page.items]).sort(compareTasks);
      nextCursor = page.nextCursor;
      listAlert.hidden = true;
      renderList();
    } catch (error) {
      if (seq !== loadSeq || session !== current) return;
      listAlert.textContent = error instanceof ApiError ? error.message : 'Could not load your tasks.';
      listAlert.hidden = false;
    }
  }

  /** Coalesces bursts of change notices (reply + tasks-changed) into one reload. */
  function scheduleRefresh(): void {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void loadTasks(), 120);
  }

  async function changeTask(task: Task, patch: { completed?: boolean; title?: string; dueAt?: string | null }): Promise<Task> {
    itemErrors.delete(task.id);
    const updated = await api.updateTask(task.id, patch);
    tasks = applyTaskChange(tasks, updated, filter, query);
    return updated;
  }

  function renderTask(task: Task): HTMLElement {
    const now = new Date();
    const checkboxId = `task-${task.id}`;
    if (editingId === task.id) return (editor ??= renderEditor(task));
    const checkbox = h('input', { type: 'checkbox', id: checkboxId, checked: task.completed, 'data-key': `check-${task.id}` });
    checkbox.addEventListener('change', async () => {
      checkbox.disabled = true;
      try {
        await changeTask(task, { completed: checkbox.checked });
      } catch (error) {
        itemErrors.set(task.id, error instanceof ApiError ? error.message : 'Could not save that change.');
      }
      renderList();
    });
    const overdue = isOverdue(task.dueAt, task.completed, now);
    const error = itemErrors.get(task.id);
    return h(
      'li',
      { class: `task${task.completed ? ' done' : ''}${overdue ? ' overdue' : ''}`, 'data-task-id': task.id },
      checkbox,
      h('label', { for: checkboxId, class: 'title' }, task.title),
      task.dueAt ? h('span', { class: 'due' }, overdue ? `Overdue · ${formatDue(task.dueAt, now)}` : formatDue(task.dueAt, now)) : null,
      h('span', { class: 'item-actions' },
        h('button', { type: 'button', class: 'link', 'aria-label': `Edit ${task.title}`, 'data-key': `edit-${task.id}`, onclick: () => { editingId = task.id; editor = null; renderList(); } }, 'Edit'),
        h('button', { type: 'button', class: 'link danger', 'aria-label': `Delete ${task.title}`, 'data-key': `delete-${task.id}`, onclick: () => void remove(task) }, 'Delete'),
      ),
      error ? h('p', { class: 'form-error', role: 'alert' }, error) : null,
    );
  }

  async function remove(task: Task): Promise<void> {
    const index = tasks.findIndex((t) => t.id === task.id);
    try {
      await api.deleteTask(task.id);
      tasks = tasks.filter((t) => t.id !== task.id);
      renderList();
      // Keep keyboard focus in the list: the next task, else the previous, else the new-task field.
      const neighbour = tasks[Math.min(index, tasks.length - 1)];
      (neighbour ? document.getElementById(`task-${neighbour.id}`) : title.input)?.focus();
    } catch (error) {
      itemErrors.set(task.id, error instanceof ApiError ? error.message : 'Could not delete that task.');
      renderList();
    }
  }

  function renderEditor(task: Task): HTMLElement {
    const editTitle = field('Title', h('input', { type: 'text', value: task.title, maxlength: 200, autocomplete: 'off', 'data-key': `edit-title-${task.id}` }), 'grow');
    const editDue = field('Due date', h('input', { type: 'datetime-local', value: toDateTimeLocal(task.dueAt), 'data-key': `edit-due-${task.id}` }));
    const fields = { title: editTitle, dueAt: editDue };
    const alert = formAlert();
    const cancel = (): void => {
      editingId = null;
      editor = null;
      renderList();
      document.getElementById(`task-${task.id}`)?.focus();
    };
    const form = h(
      'form',
      { class: 'edit-form', novalidate: true, 'aria-label': `Edit ${task.title}` },
      editTitle.wrapper,
      editDue.wrapper,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save'), h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')),
      alert,
    );
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') cancel();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(fields, alert);
      const newTitle = editTitle.input.value.trim();
      const dueAt = fromDateTimeLocal(editDue.input.value);
      const errors: Record<string, string> = {};
      if (newTitle === '') errors['title'] = 'Give the task a title.';
      if (dueAt === undefined) errors['dueAt'] = 'Enter a valid date and time.';
      if (Object.keys(errors).length > 0) return showErrors(new ApiError('', 400, errors), fields, alert);
      try {
        await changeTask(task, { title: newTitle, dueAt: dueAt ?? null });
        cancel();
      } catch (error) {
        showErrors(error, fields, alert);
      }
    });
    queueMicrotask(() => editTitle.input.focus());
    return h('li', { class: 'task editing', 'data-task-id': task.id }, form);
  }

  function renderList(): void {
    if (editingId !== null && !tasks.some((t) => t.id === editingId)) {
      editingId = null; // deleted or filtered away elsewhere
      editor = null;
    }
    const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.['key'];
    list.replaceChildren(...tasks.map(renderTask));
    if (tasks.length === 0) {
      list.append(h('li', { class: 'empty' }, query || filter !== 'all' ? 'No tasks match.' : 'No tasks yet. Add one above, or ask the assistant.'));
    }
    const counts = summarize(tasks);
    summary.textContent = `${counts.pending} pending · ${counts.done} done`;
    more.hidden = nextCursor === null;
    if (focusedKey) list.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusedKey)}"]`)?.focus();
  }

  // Chat
  const log = h('ol', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const status = h('span', { class: 'chat-status', role: 'status' }, 'Connecting…');
  const message = field('Message', h('input', { type: 'text', name: 'message', autocomplete: 'off', maxlength: 4000 }), 'grow');
  const sendButton = h('button', { type: 'submit' }, 'Send');
  const chatForm = h('form', { class: 'chat-form', novalidate: true }, message.wrapper, sendButton);
  function appendChat(role: 'user' | 'assistant' | 'error', text: string): void {
    log.append(h('li', { class: `bubble ${role}` }, h('span', { class: 'sr-only' }, role === 'user' ? 'You: ' : 'Assistant: '), text));
    log.scrollTop = log.scrollHeight;
  }
  chatForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = message.input.value.trim();
    setFieldError(message.input, message.error, undefined);
    if (text === '') return setFieldError(message.input, message.error, 'Type a message first.');
    if (!chat?.say(crypto.randomUUID(), text)) {
      return setFieldError(message.input, message.error, 'The assistant is offline. Reconnecting — try again in a moment.');
    }
    appendChat('user', text);
    message.input.value = '';
  });
  function onChatMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'history':
        log.replaceChildren();
        for (const entry of m.messages) appendChat(entry.role, entry.text);
        break;
      case 'reply':
        appendChat('assistant', m.text);
        scheduleRefresh(); // the reply may have changed tasks; the list follows at once
        break;
      case 'tasks-changed':
        scheduleRefresh();
        break;
      case 'error':
        appendChat('error', m.message);
        break;
    }
  }
  const statusWords: Record<ChatStatus, string> = { connecting: 'Connecting…', online: 'Online', offline: 'Offline — reconnecting' };
  chat = new ChatConnection(chatUrl(location), current.token, {
    onMessage: onChatMessage,
    onStatus: (s) => {
      status.textContent = statusWords[s];
      status.dataset['state'] = s;
    },
    // A refused upgrade looks like a network error in the browser; ask the API whether the token is still good.
    onConnectFailed: () => void api.me().catch(() => undefined),
  });

  const logOut = h('button', { type: 'button', class: 'secondary', onclick: () => endSession() }, 'Log out');
  root.replaceChildren(
    h('header', { class: 'topbar' }, h('h1', {}, 'Todo'), h('span', { class: 'who' }, current.email), logOut),
    h(
      'main',
      { class: 'layout' },
      h(
        'section',
        { class: 'card tasks', 'aria-labelledby': 'tasks-heading' },
        h('h2', { id: 'tasks-heading' }, 'Tasks'),
        addForm,
        h('div', { class: 'toolbar' }, h('div', { class: 'filters', role: 'group', 'aria-label': 'Show' }, ...filterButtons), search.wrapper),
        summary,
        listAlert,
        list,
        more,
      ),
      h(
        'section',
        { class: 'card chat', 'aria-labelledby': 'chat-heading' },
        h('div', { class: 'chat-head' }, h('h2', { id: 'chat-heading' }, 'Assistant'), status),
        log,
        chatForm,
        h('p', { class: 'hint' }, 'Try “add water the plants tomorrow” or “complete water the plants”.'),
      ),
    ),
  );
  renderList();
  void loadTasks();
  chat.start();
  title.input.focus();
}

// ---------------------------------------------------------------- start

const saved = store.load();
if (saved && !isExpired(saved.token, Date.now())) {
  startSession(saved);
} else {
  if (saved) store.clear();
  showAuth(saved ? EXPIRED_MESSAGE : undefined);
}
