/**
 * Forms: labelled fields with their error lines, and `bindForm`, the one submit flow every form
 * uses — check the values, show what is wrong next to each field in plain words, send, and place
 * the API's answer (field errors next to their fields, anything else in the form's alert).
 */
import { ApiError } from './api.js';
import { h, setFieldError, uid } from './dom.js';
import { plainFieldMessage } from './validation.js';

export type Control = HTMLInputElement | HTMLSelectElement;

/** One labelled control with its error line. */
export interface FormField<C extends Control = Control> {
  readonly wrapper: HTMLElement;
  readonly label: string;
  readonly input: C;
  readonly error: HTMLElement;
}

export function field<C extends Control>(label: string, input: C, extraClass = ''): FormField<C> {
  input.id ||= uid('field');
  const error = h('p', { id: `${input.id}-error`, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: `field ${extraClass}`.trim() }, h('label', { for: input.id }, label), input, error);
  return { wrapper, label, input, error };
}

/** The line for a form's messages that belong to no single field. */
export function formAlert(): HTMLElement {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

/** Field name → problem, found in the browser before (or instead of) sending. */
export class FieldProblems extends Error {
  override readonly name = 'FieldProblems';
  constructor(readonly fieldErrors: Readonly<Record<string, string>>) {
    super('');
  }
}

export interface FormBinding<K extends string> {
  readonly fields: Readonly<Record<K, FormField>>;
  readonly alert: HTMLElement;
  /** Problems with the values as they will be sent (undefined entries are fine); the button pressed decides e.g. sign-up rules. */
  readonly validate?: (submitter: HTMLElement | null) => Partial<Record<K, string | undefined>>;
  /** Sends the form; throw ApiError or FieldProblems to have them shown. */
  readonly submit: (submitter: HTMLElement | null) => Promise<void> | void;
}

/** Wires `form`'s submit to the one flow: validate → show problems or send (buttons disabled meanwhile) → show errors. */
export function bindForm<K extends string>(form: HTMLFormElement, binding: FormBinding<K>): void {
  form.noValidate = true; // the browser's own bubbles use its words; ours are next to the field
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter;
    clearErrors(binding);
    const problems = Object.entries(binding.validate?.(submitter) ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    if (problems.length > 0) return showErrors(new FieldProblems(Object.fromEntries(problems)), binding);
    const buttons = [...form.querySelectorAll('button')].filter((b) => !b.disabled);
    for (const b of buttons) b.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await binding.submit(submitter);
    } catch (error) {
      showErrors(error, binding);
    } finally {
      for (const b of buttons) b.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

function clearErrors(binding: FormBinding<string>): void {
  for (const f of Object.values<FormField>(binding.fields)) setFieldError(f.input, f.error, undefined);
  binding.alert.textContent = '';
  binding.alert.hidden = true;
}

/** Messages for the form's own fields go next to them (first one focused); anything else goes to the form's alert. */
function showErrors(error: unknown, binding: FormBinding<string>): void {
  const known = error instanceof ApiError || error instanceof FieldProblems;
  const fieldErrors = known ? error.fieldErrors : {};
  const fields: Readonly<Record<string, FormField>> = binding.fields;
  const unplaced: string[] = [];
  for (const [name, message] of Object.entries(fieldErrors)) {
    const target = fields[name];
    if (!target) {
      unplaced.push(plainFieldMessage(name, name, message));
      continue;
    }
    setFieldError(target.input, target.error, error instanceof FieldProblems ? message : plainFieldMessage(name, target.label, message));
  }
  const first = Object.values(fields).find((f) => f.input.getAttribute('aria-invalid') === 'true');
  const general = known ? error.message : 'Something went wrong. Try again.';
  binding.alert.textContent = first && unplaced.length === 0 ? '' : [general, ...unplaced].filter(Boolean).join(' ');
  binding.alert.hidden = binding.alert.textContent === '';
  first?.input.focus();
}
