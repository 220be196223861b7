import { expect } from 'chai';
import {
  codePointLength,
  emailProblem,
  isInvisibleOnly,
  passwordProblem,
  plainFieldMessage,
  TITLE_MAX,
  titleProblem,
} from '../src/validation.js';

describe('frontend form rules', () => {
  it('counts titles in code points, as the API does: 200 emoji pass, 201 do not', () => {
    expect(codePointLength('👍')).to.equal(1);
    expect(codePointLength('👍'.repeat(TITLE_MAX))).to.equal(200);
    expect('👍'.repeat(TITLE_MAX).length).to.equal(400); // what maxlength would have counted
    expect(titleProblem('👍'.repeat(TITLE_MAX))).to.equal(undefined);
    expect(titleProblem('a'.repeat(TITLE_MAX))).to.equal(undefined);
    expect(titleProblem('👍'.repeat(TITLE_MAX + 1))).to.equal('Keep the title to 200 characters or fewer (it has 201).');
  });

  it('refuses empty titles and titles of only invisible characters, in plain words', () => {
    expect(titleProblem('')).to.equal('Give the task a title.');
    for (const invisible of [
      ' ',
      '\u200B',
      '\u200B\u200C\u200D\uFEFF',
      '\u00A0\u3000',
      '\u2060\u00AD',
      '\u3164',
      '\u2800',
      '\t\n',
      '\u115F\uFFA0',
      '\uFE0F',
      '\u202E\u200E',
      '\u034F',
    ]) {
      expect(isInvisibleOnly(invisible), JSON.stringify(invisible)).to.equal(true);
      expect(titleProblem(invisible)).to.equal('The title has only spaces or invisible characters. Type some visible text.');
    }
    for (const visible of ['a', '👍', 'é', '\u200Bx', '水']) expect(titleProblem(visible), visible).to.equal(undefined);
  });

  it('checks email and password before sending; sign-up needs 8 characters', () => {
    expect(emailProblem('')).to.equal('Enter your email address.');
    expect(emailProblem('me at example.com')).to.equal('Enter a valid email address, like name@example.com.');
    expect(emailProblem('me@example.com')).to.equal(undefined);
    expect(passwordProblem('', 'login')).to.equal('Enter your password.');
    expect(passwordProblem('short', 'login')).to.equal(undefined);
    expect(passwordProblem('short', 'signup')).to.equal('Use at least 8 characters.');
    expect(passwordProblem('12345678', 'signup')).to.equal(undefined);
  });

  it('turns the API validator’s words into what to do', () => {
    expect(plainFieldMessage('email', 'Email', 'must match format "email"')).to.equal(
      'Enter a valid email address, like name@example.com.',
    );
    expect(plainFieldMessage('password', 'Password', 'must NOT have fewer than 8 characters')).to.equal('Use at least 8 characters.');
    expect(plainFieldMessage('title', 'Title', 'must NOT have more than 200 characters')).to.equal('Use at most 200 characters.');
    expect(plainFieldMessage('title', 'Title', 'must NOT have fewer than 1 characters')).to.equal('Give the task a title.');
    expect(plainFieldMessage('title', 'Title', 'must match pattern "\\S"')).to.equal(
      'The title has only spaces or invisible characters. Type some visible text.',
    );
    expect(plainFieldMessage('dueAt', 'Due date', 'must match format "date-time"')).to.equal('Enter a valid date and time.');
    expect(plainFieldMessage('email', 'Email', "must have required property 'email'")).to.equal('Enter your email address.');
    expect(plainFieldMessage('priority', 'Priority', 'must be equal to one of the allowed values')).to.equal(
      'Choose one of the listed options.',
    );
  });

  it('keeps other API words, as a sentence that names the field', () => {
    expect(plainFieldMessage('email', 'Email', 'is already registered')).to.equal('Email is already registered.');
    expect(plainFieldMessage('email', 'Email', 'Enter your email address.')).to.equal('Enter your email address.');
    expect(plainFieldMessage('title', 'Title', 'title is required')).to.equal('title is required.');
    expect(plainFieldMessage('title', 'Title', '')).to.equal('Title is not valid.');
  });
});
