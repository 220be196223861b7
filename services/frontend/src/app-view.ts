/** The signed-in screen: top bar, the tasks card (add form, filters, search, list) and the assistant panel. */
import type { ApiClient } from './api.js';
import { ChatPanel } from './chat-panel.js';
import { h } from './dom.js';
import { field, formAlert } from './form.js';
import type { Session } from './session.js';
import { addTaskForm } from './task-form.js';
import { TaskListView } from './task-list.js';
import { TaskStore } from './task-store.js';
import { FILTERS, summarize } from './tasks.js';

const SEARCH_DELAY_MS = 200;

/** Renders the app into `root`; the returned stop() ends everything it started (socket, timers). */
export function showApp(root: HTMLElement, session: Session, api: ApiClient, onLogOut: () => void): { stop: () => void } {
  document.title = 'Tasks · Todo';
  const store = new TaskStore(api, () => render());
  const add = addTaskForm((task) => store.create(task));
  const list = new TaskListView(store, add.focus);
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const loadAlert = formAlert();
  const more = h(
    'button',
    { type: 'button', class: 'secondary more', hidden: true, onclick: () => void store.load(store.nextCursor) },
    'Show more',
  );

  const filterButtons = FILTERS.map(({ value, label }) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(value === store.filter),
        'data-filter': value,
        onclick: () => store.setView({ filter: value }),
      },
      label,
    ),
  );
  const search = field('Search', h('input', { type: 'search', name: 'q', autocomplete: 'off' }));
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.input.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => store.setView({ query: search.input.value.trim() }), SEARCH_DELAY_MS);
  });

  function render(): void {
    list.render();
    const counts = summarize(store.tasks);
    summary.textContent = `${counts.pending} pending · ${counts.done} done`;
    for (const b of filterButtons) b.setAttribute('aria-pressed', String(b.dataset['filter'] === store.filter));
    loadAlert.textContent = store.loadError ?? '';
    loadAlert.hidden = store.loadError === null;
    more.hidden = store.nextCursor === null;
  }

  const chat = new ChatPanel({
    token: session.token,
    onTasksMaybeChanged: () => store.scheduleRefresh(),
    // A refused upgrade looks like a network error in the browser; a 401 from the API ends the session.
    onConnectFailed: () => void api.me().catch(() => undefined),
  });

  root.replaceChildren(
    h(
      'header',
      { class: 'topbar' },
      h('h1', {}, 'Todo'),
      h('span', { class: 'who' }, session.email),
      h('button', { type: 'button', class: 'secondary', onclick: onLogOut }, 'Log out'),
    ),
    h(
      'main',
      { class: 'layout' },
      h(
        'section',
        { class: 'card tasks', 'aria-labelledby': 'tasks-heading' },
        h('h2', { id: 'tasks-heading' }, 'Tasks'),
        add.form,
        h(
          'div',
          { class: 'toolbar' },
          h('div', { class: 'filters', role: 'group', 'aria-label': 'Show' }, ...filterButtons),
          search.wrapper,
        ),
        summary,
        loadAlert,
        list.element,
        list.emptyNote,
        more,
      ),
      chat.element,
    ),
  );
  render();
  void store.load();
  chat.start();
  add.focus();
  return {
    stop: () => {
      clearTimeout(searchTimer);
      store.stop();
      chat.stop();
    },
  };
}
