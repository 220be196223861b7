/** The sign-in screen: one form, two buttons (log in, sign up). */
import type { ApiClient } from './api.js';
import { h } from './dom.js';
import { bindForm, field, formAlert } from './form.js';
import type { Session } from './session.js';
import { emailProblem, passwordProblem } from './validation.js';

export function showAuth(root: HTMLElement, api: ApiClient, onSignedIn: (session: Session) => void, notice?: string): void {
  document.title = 'Log in · Todo';
  const email = field('Email', h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, spellcheck: 'false' }));
  const password = field('Password', h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }));
  const alert = formAlert();
  const logIn = h('button', { type: 'submit', value: 'login' }, 'Log in');
  const signUp = h('button', { type: 'submit', value: 'signup', class: 'secondary' }, 'Sign up');
  const form = h(
    'form',
    { class: 'card auth-form' },
    email.wrapper,
    password.wrapper,
    alert,
    h('div', { class: 'actions' }, logIn, signUp),
  );
  const purpose = (submitter: HTMLElement | null) => (submitter === signUp ? 'signup' : 'login');

  bindForm(form, {
    fields: { email, password },
    alert,
    validate: (submitter) => ({
      email: emailProblem(email.input.value.trim()),
      password: passwordProblem(password.input.value, purpose(submitter)),
    }),
    submit: async (submitter) => {
      const address = email.input.value.trim();
      const token =
        purpose(submitter) === 'signup'
          ? await api.register(address, password.input.value)
          : await api.login(address, password.input.value);
      onSignedIn({ token, email: address });
    },
  });

  root.replaceChildren(
    h(
      'main',
      { class: 'auth' },
      h('h1', {}, 'Todo'),
      h('p', { class: 'lead' }, 'Log in, or sign up with a new email address (a password of at least 8 characters).'),
      notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
      form,
    ),
  );
  email.input.focus();
}
