/**
 * What the forms accept, in plain words: the same limits the todo-api enforces, checked before
 * sending, and the API's own validator wording turned into sentences a person can act on.
 */

/** The API's title limit, counted as it counts: in Unicode code points (an emoji is one). */
export const TITLE_MAX = 200;
/** The API's password minimum (on sign-up; logging in only needs something typed). */
export const PASSWORD_MIN = 8;

/**
 * What a reader cannot see: whitespace, controls, format characters (zero-width space and joiners,
 * bidi marks), other default-ignorable code points (Hangul fillers, variation selectors) and the
 * blank braille cell — the same set the todo-api's title pattern refuses on its own.
 */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** Length in code points, as the API counts ("👍" is 1, not 2 UTF-16 units). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** True when the text has nothing a reader could see. */
export function isInvisibleOnly(text: string): boolean {
  return text.replace(INVISIBLE, '') === '';
}

/** Why a task title cannot be saved, or undefined when it can. Checks the title as it will be sent (trimmed). */
export function titleProblem(title: string): string | undefined {
  if (title === '') return 'Give the task a title.';
  if (isInvisibleOnly(title)) return 'The title has only spaces or invisible characters. Type some visible text.';
  const length = codePointLength(title);
  if (length > TITLE_MAX) return `Keep the title to ${TITLE_MAX} characters or fewer (it has ${length}).`;
  return undefined;
}

export function emailProblem(email: string): string | undefined {
  if (email === '') return 'Enter your email address.';
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

export function passwordProblem(password: string, purpose: 'login' | 'signup'): string | undefined {
  if (password === '') return 'Enter your password.';
  if (purpose === 'signup' && codePointLength(password) < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  return undefined;
}

/** The validator's words (ajv messages, as the todo-api sends them) → a sentence saying what to do. */
const PLAIN_WORDS: readonly { readonly test: RegExp; readonly say: (m: RegExpExecArray, field: string, label: string) => string }[] = [
  { test: /must match format "email"/i, say: () => 'Enter a valid email address, like name@example.com.' },
  { test: /must match format "date-time"/i, say: () => 'Enter a valid date and time.' },
  {
    test: /must NOT have fewer than (\d+) characters?/i,
    say: (m, field) => (m[1] === '1' ? emptyWords(field) : `Use at least ${m[1]} characters.`),
  },
  { test: /must NOT have more than (\d+) characters?/i, say: (m) => `Use at most ${m[1]} characters.` },
  { test: /must have required property/i, say: (_m, field) => emptyWords(field) },
  {
    test: /must match pattern/i,
    say: (_m, field, label) =>
      field === 'title'
        ? 'The title has only spaces or invisible characters. Type some visible text.'
        : `${label} contains characters that are not allowed.`,
  },
  { test: /must be equal to one of the allowed values/i, say: () => 'Choose one of the listed options.' },
  { test: /must be (?:string|boolean|number|integer|array|object|null)/i, say: (_m, _field, label) => `${label} is not valid.` },
  { test: /is not an allowed field/i, say: (_m, _field, label) => `${label} cannot be changed here.` },
];

function emptyWords(field: string): string {
  if (field === 'email') return 'Enter your email address.';
  if (field === 'password') return 'Enter your password.';
  if (field === 'title') return 'Give the task a title.';
  return 'Fill this in.';
}

/**
 * A field error from the API as a sentence next to its field. Validator wording is replaced by
 * plain words; other messages ("is already registered") become "Email is already registered.".
 */
export function plainFieldMessage(field: string, label: string, message: string): string {
  const text = message.trim();
  for (const rule of PLAIN_WORDS) {
    const match = rule.test.exec(text);
    if (match) return rule.say(match, field, label);
  }
  if (text === '') return `${label} is not valid.`;
  const sentence = /^[a-z]/.test(text) && !text.toLowerCase().startsWith(label.toLowerCase()) ? `${label} ${text}` : text;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
