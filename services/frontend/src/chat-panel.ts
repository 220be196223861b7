/**
 * The assistant panel: the conversation so far (or, when there is none, what one can say), the
 * connection status, and the message box. Replies may have changed tasks: it says so to the list.
 */
import { ChatConnection, chatUrl, type ChatStatus, type ServerMessage } from './chat.js';
import { h } from './dom.js';
import { bindForm, field, FieldProblems, formAlert } from './form.js';

const STATUS_WORDS: Readonly<Record<ChatStatus, string>> = {
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline — reconnecting',
};
const EMPTY_HINT =
  'No messages yet. Try “add water the plants tomorrow”, “show my tasks” or “complete 1” — numbers are the ones in your list.';

export interface ChatPanelOptions {
  readonly token: string;
  /** A reply or a tasks-changed notice arrived: the task list should catch up. */
  readonly onTasksMaybeChanged: () => void;
  /** The socket could not open: the app asks the API whether the token is still good. */
  readonly onConnectFailed: () => void;
}

export class ChatPanel {
  readonly element: HTMLElement;
  private readonly log = h('ol', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  private readonly status = h('span', { class: 'chat-status', role: 'status' }, STATUS_WORDS.connecting);
  private readonly connection: ChatConnection;

  constructor(private readonly options: ChatPanelOptions) {
    this.showHint();
    const message = field('Message', h('input', { type: 'text', name: 'message', autocomplete: 'off', maxlength: 4000 }), 'grow');
    const alert = formAlert();
    const form = h('form', { class: 'chat-form' }, message.wrapper, h('button', { type: 'submit' }, 'Send'), alert);
    bindForm(form, {
      fields: { message },
      alert,
      validate: () => ({ message: message.input.value.trim() === '' ? 'Type a message first.' : undefined }),
      submit: () => {
        const text = message.input.value.trim();
        if (!this.connection.say(crypto.randomUUID(), text)) {
          throw new FieldProblems({ message: 'The assistant is offline. Reconnecting — try again in a moment.' });
        }
        this.append('user', text);
        message.input.value = '';
        message.input.focus(); // the button was disabled while sending, which can drop focus
      },
    });
    this.element = h(
      'section',
      { class: 'card chat', 'aria-labelledby': 'chat-heading' },
      h('div', { class: 'chat-head' }, h('h2', { id: 'chat-heading' }, 'Assistant'), this.status),
      this.log,
      form,
    );
    this.connection = new ChatConnection(chatUrl(location), options.token, {
      onMessage: (m) => this.receive(m),
      onStatus: (s) => {
        this.status.textContent = STATUS_WORDS[s];
        this.status.dataset['state'] = s;
      },
      onConnectFailed: options.onConnectFailed,
    });
  }

  start(): void {
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
  }

  private receive(m: ServerMessage): void {
    switch (m.type) {
      case 'history':
        this.log.replaceChildren();
        for (const entry of m.messages) this.append(entry.role, entry.text);
        if (m.messages.length === 0) this.showHint();
        break;
      case 'reply':
        this.append('assistant', m.text);
        this.options.onTasksMaybeChanged();
        break;
      case 'tasks-changed':
        this.options.onTasksMaybeChanged();
        break;
      case 'error':
        this.append('error', m.message);
        break;
    }
  }

  private showHint(): void {
    this.log.replaceChildren(h('li', { class: 'chat-hint' }, EMPTY_HINT));
  }

  private append(role: 'user' | 'assistant' | 'error', text: string): void {
    this.log.querySelector('.chat-hint')?.remove();
    this.log.append(h('li', { class: `bubble ${role}` }, h('span', { class: 'sr-only' }, role === 'user' ? 'You: ' : 'Assistant: '), text));
    this.log.scrollTop = this.log.scrollHeight;
  }
}
