/**
 * End-to-end tests of the local stack exactly as `make dev` runs it (dev/stack.ts as a child
 * process on free ports: todo-api on an embedded database, chat-gateway, the dev server with the
 * nginx CSP), first over HTTP and WebSocket, then in Debian's Chromium driven by playwright-core
 * (no browser download), then Ctrl-C. Screenshots go to a folder printed at the start.
 *
 * Without /usr/bin/chromium the browser part is skipped with a message — unless
 * REQUIRE_BROWSER=1 (CI), where a missing browser fails it.
 */
import { BROWSER, requireOrSkip } from '../../../test/support/requirements.js';
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { readNginxSite, responseHeaders } from '../nginx-config.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STACK_CLI = path.join(REPO_ROOT, 'services/frontend/dev/stack.ts');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LIVE_UPDATE_MS = 10_000;

interface RunningStack {
  readonly url: string;
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `make dev` (the stack CLI) in its own process group, as a terminal would, and waits for its URL. */
async function launchStack(workDir: string, log: string[]): Promise<RunningStack> {
  const child = spawn(process.execPath, ['--import', 'tsx', STACK_CLI], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: '0',
      API_PORT: '0',
      GATEWAY_PORT: '0',
      DATA_DIR: path.join(workDir, 'data'),
      FRONTEND_OUT_DIR: path.join(workDir, 'web'),
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
      SCRYPT_LOG_N: '12', // password hashing cost, lowered for tests (todo-api config)
      RATE_LIMIT_BURST: '100', // chat-gateway: the page-height test sends 30 messages at once
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<RunningStack>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.push(line);
        const m = /ready: open (\S+)\s+\(todo-api (\S+), chat-gateway (\S+);/.exec(line);
        if (m) resolve({ url: m[1]!, apiUrl: m[2]!, gatewayUrl: m[3]!, child, exited });
      });
    }
    void exited.then(({ code, signal }) =>
      reject(new Error(`the stack exited before it was ready (code ${code}, signal ${signal}):\n${log.slice(-30).join('\n')}`)),
    );
  });
  return ready;
}

async function isListening(url: string): Promise<boolean> {
  return fetch(`${url}/livez`, { signal: AbortSignal.timeout(2000) }).then(
    async (r) => (await r.arrayBuffer(), true),
    () => false,
  );
}

describe('frontend end-to-end: the local stack (make dev)', function () {
  this.timeout(90_000);
  let stack: RunningStack;
  let workDir: string;
  const stackLog: string[] = [];

  before(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'frontend-e2e-'));
    stack = await launchStack(workDir, stackLog);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`    stack log:\n      ${stackLog.slice(-40).join('\n      ')}`);
  });

  after(async () => {
    if (stack && stack.child.exitCode === null && stack.child.signalCode === null) {
      process.kill(-stack.child.pid!, 'SIGKILL');
      await stack.exited;
    }
    if (workDir) await rm(path.join(workDir, 'data'), { recursive: true, force: true });
  });

  it('serves the app and proxies /api and /.well-known on one origin', async () => {
    const page = await fetch(stack.url);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('<div id="app"></div>');
    const jwks = (await (await fetch(`${stack.url}/.well-known/jwks.json`)).json()) as { keys: { kid?: string }[] };
    expect(jwks.keys.length).to.be.at.least(1);
    const register = await fetch(`${stack.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.url },
      body: JSON.stringify({ email: `stack-${Date.now()}@example.com`, password: 'correct horse battery' }),
    });
    expect(register.status).to.equal(201);
    const { token } = (await register.json()) as { token: string };
    const me = await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).to.equal(200);
    expect(((await me.json()) as { email: string }).email).to.match(/^stack-\d+@example\.com$/);
  });

  it('proxies the chat WebSocket: the gateway selects todo-chat.v1 and acts through the API', async () => {
    const register = await fetch(`${stack.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `ws-${Date.now()}@example.com`, password: 'correct horse battery' }),
    });
    const { token } = (await register.json()) as { token: string };
    const socket = new WebSocket(`${stack.url.replace('http:', 'ws:')}/ws`, ['todo-chat.v1', `bearer.${token}`], { origin: stack.url });
    const frames: { type: string; text?: string }[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    expect(socket.protocol).to.equal('todo-chat.v1');
    socket.send(JSON.stringify({ type: 'say', id: 'c1', text: 'add buy bread', timeZone: 'Europe/Paris' }));
    const deadline = Date.now() + LIVE_UPDATE_MS;
    while (!frames.some((f) => f.type === 'reply') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    socket.close();
    expect(frames[0]!.type).to.equal('history');
    expect(frames.find((f) => f.type === 'reply')?.text).to.match(/buy bread/i);
    const tasks = (await (await fetch(`${stack.url}/api/tasks`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: { title: string }[];
    };
    expect(tasks.items.map((t) => t.title.toLowerCase())).to.deep.equal(['buy bread']);
  });

  describe('in Chromium', function () {
    let browser: Browser | undefined;
    let shotsDir: string;
    const cspViolations: string[] = [];
    const email = `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const password = 'correct horse battery staple';
    let shot = 0;

    async function screenshot(page: Page, name: string): Promise<void> {
      shot += 1;
      await page.screenshot({ path: path.join(shotsDir, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    }

    /** A fresh browser context that records CSP violations of every page. */
    async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', ...options });
      await context.exposeBinding('__reportCspViolation', (_source, text: string) => void cspViolations.push(text));
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          void (window as unknown as { __reportCspViolation(t: string): Promise<void> }).__reportCspViolation(
            `${e.violatedDirective} blocked ${e.blockedURI}`,
          );
        });
      });
      context.on('console', (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(`console: ${message.text()}`);
      });
      return context;
    }

    async function visible(locator: ReturnType<Page['locator']>, timeout = LIVE_UPDATE_MS): Promise<void> {
      await locator.waitFor({ state: 'visible', timeout });
    }

    async function until(condition: () => Promise<boolean>, what: string, timeout = LIVE_UPDATE_MS): Promise<void> {
      const deadline = Date.now() + timeout;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** Waits until the task's checkbox shows the wanted state (changes arrive asynchronously). */
    async function expectChecked(page: Page, name: RegExp | string, checked: boolean): Promise<void> {
      const box = page.getByRole('checkbox', typeof name === 'string' ? { name, exact: true } : { name });
      await until(
        async () => (await box.count()) === 1 && (await box.isChecked()) === checked,
        `${String(name)} to be ${checked ? 'checked' : 'unchecked'}`,
      );
    }

    async function logIn(page: Page): Promise<void> {
      await page.goto(stack.url);
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await visible(page.getByRole('button', { name: 'Log out' }));
    }

    /** A fresh context signed up as a new user, with the assistant online. */
    async function newUserPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
      const page = await (await newContext(options)).newPage();
      await page.goto(stack.url);
      await page.getByLabel('Email', { exact: true }).fill(`e2e-${Math.random().toString(36).slice(2, 10)}@example.com`);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await visible(page.getByRole('status').filter({ hasText: 'Online' }));
      return page;
    }

    async function addTask(page: Page, title: string, due = ''): Promise<void> {
      await page.getByLabel('New task', { exact: true }).fill(title);
      await page.getByLabel('Due (optional)', { exact: true }).fill(due);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await visible(page.getByRole('checkbox', { name: title, exact: true }));
    }

    async function say(page: Page, text: string): Promise<void> {
      const replies = await page.locator('.bubble.assistant').count();
      await page.getByLabel('Message', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await until(async () => (await page.locator('.bubble.assistant').count()) > replies, `a reply to "${text}"`);
    }

    /** The rows as the person sees them: "number title". */
    async function rows(page: Page): Promise<string[]> {
      return page
        .locator('.task')
        .evaluateAll((items) =>
          items.map((li) => `${li.querySelector('.number')?.textContent} ${li.querySelector('.title')?.textContent}`),
        );
    }

    before(async function () {
      requireOrSkip(this, existsSync(CHROMIUM), BROWSER);
      shotsDir = path.join(workDir, 'screenshots');
      console.log(`    screenshots: ${shotsDir}`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    });

    afterEach(async function () {
      if (this.currentTest?.state !== 'failed' || !pageA || pageA.isClosed()) return;
      const chatLog = await pageA
        .locator('.chat-log')
        .innerText()
        .catch(() => '(none)');
      console.log(`    chat in the first context:\n      ${chatLog.split('\n').join('\n      ')}`);
      await screenshot(pageA, 'failure').catch(() => undefined);
      console.log(`    alerts: ${JSON.stringify(await pageA.locator('[role=alert], .field-error').allInnerTexts())}`);
    });

    after(async () => {
      await browser?.close();
    });

    let pageA: Page;
    let pageB: Page;

    it('serves the app with the nginx CSP header', async () => {
      const context = await newContext();
      pageA = await context.newPage();
      const response = await pageA.goto(stack.url);
      const expected = responseHeaders(readNginxSite(), { uri: '/index.html', host: 'localhost', status: 200 });
      expect(response!.headers()['content-security-policy']).to.equal(expected['Content-Security-Policy']);
      await visible(pageA.getByRole('button', { name: 'Sign up', exact: true }));
      await screenshot(pageA, 'login');
    });

    it('signs up, then adds a task from the list', async () => {
      await pageA.getByLabel('Email', { exact: true }).fill(email);
      await pageA.getByLabel('Password', { exact: true }).fill(password);
      await pageA.getByRole('button', { name: 'Sign up', exact: true }).click();
      await visible(pageA.getByRole('button', { name: 'Log out' }));
      expect(await pageA.evaluate(() => JSON.parse(sessionStorage.getItem('todo.session') ?? '{}').email)).to.equal(email);
      expect(await pageA.evaluate(() => Object.keys(localStorage).length)).to.equal(0);
      await pageA.getByLabel('New task', { exact: true }).fill('Buy milk');
      await pageA.getByRole('button', { name: 'Add', exact: true }).click();
      await visible(pageA.getByRole('checkbox', { name: 'Buy milk', exact: true }));
      expect(await pageA.getByLabel('New task', { exact: true }).inputValue()).to.equal('');
    });

    it('adds a task through the chat, and the list shows it without a reload', async () => {
      await visible(pageA.getByRole('status').filter({ hasText: 'Online' }));
      const navigations: string[] = [];
      pageA.on('framenavigated', (frame) => navigations.push(frame.url()));
      await pageA.getByLabel('Message', { exact: true }).fill('add water the plants tomorrow');
      await pageA.getByRole('button', { name: 'Send', exact: true }).click();
      await visible(pageA.getByRole('checkbox', { name: /water the plants/i }));
      const item = pageA.locator('.task', { has: pageA.getByRole('checkbox', { name: /water the plants/i }) });
      expect(await item.locator('.due').textContent()).to.equal('Due tomorrow'); // a day without a time: no time shown
      expect(await pageA.locator('.bubble.assistant').last().textContent()).to.match(/water the plants/i);
      expect(navigations).to.deep.equal([]);
      await screenshot(pageA, 'tasks-after-chat');
    });

    it('a second browser context of the same user logs in by keyboard and sees the tasks', async () => {
      const context = await newContext();
      pageB = await context.newPage();
      await pageB.goto(stack.url);
      await pageB.keyboard.type(email); // the Email field has focus on arrival
      await pageB.keyboard.press('Tab');
      await pageB.keyboard.type(password);
      await pageB.keyboard.press('Enter');
      await visible(pageB.getByRole('checkbox', { name: 'Buy milk', exact: true }));
      await visible(pageB.getByRole('checkbox', { name: /water the plants/i }));
      await visible(pageB.getByRole('status').filter({ hasText: 'Online' }));
    });

    it('completes one task by chat and one by click; both contexts follow live', async () => {
      await pageA.getByLabel('Message', { exact: true }).fill('complete water the plants');
      await pageA.getByRole('button', { name: 'Send', exact: true }).click();
      await expectChecked(pageA, /water the plants/i, true);
      await expectChecked(pageB, /water the plants/i, true); // tasks-changed pushed to the other context
      await pageA.getByRole('checkbox', { name: 'Buy milk', exact: true }).click();
      await expectChecked(pageA, 'Buy milk', true);
      await expectChecked(pageB, 'Buy milk', true);
      expect(await pageA.locator('.summary').textContent()).to.equal('0 pending · 2 done');
      await screenshot(pageB, 'second-context-live');
    });

    it('keeps the state, the session and the conversation across a reload', async () => {
      await pageA.reload();
      await expectChecked(pageA, 'Buy milk', true);
      await expectChecked(pageA, /water the plants/i, true);
      expect(await pageA.locator('.who').textContent()).to.equal(email);
      await visible(pageA.locator('.bubble.user', { hasText: 'complete water the plants' }));
      expect(await pageA.locator('.chat-hint').count()).to.equal(0);
    });

    it('reopens, edits title and due date, filters, searches and deletes', async () => {
      await pageA.getByRole('checkbox', { name: 'Buy milk', exact: true }).click();
      await expectChecked(pageA, 'Buy milk', false);
      await pageA.getByRole('button', { name: 'Edit Buy milk' }).click();
      await pageA.getByLabel('Title', { exact: true }).fill('Buy oat milk');
      await pageA.getByLabel('Due date', { exact: true }).fill('2031-05-04T09:30');
      await pageA.getByRole('button', { name: 'Save' }).click();
      const edited = pageA.locator('.task', { has: pageA.getByRole('checkbox', { name: 'Buy oat milk', exact: true }) });
      await visible(edited);
      expect(await edited.locator('.due').textContent()).to.equal('Due Sun 4 May 2031 at 09:30');
      await visible(pageB.getByRole('checkbox', { name: 'Buy oat milk', exact: true }));

      await pageA.getByRole('button', { name: 'Pending', exact: true }).click();
      await pageA.locator('.task', { hasText: /water the plants/i }).waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
      expect(await pageA.locator('.task').count()).to.equal(1);
      await pageA.getByRole('button', { name: 'Done', exact: true }).click();
      await visible(pageA.getByRole('checkbox', { name: /water the plants/i }));
      expect(await pageA.locator('.task').count()).to.equal(1);
      await pageA.getByRole('button', { name: 'All', exact: true }).click();
      await pageA.getByLabel('Search', { exact: true }).fill('oat');
      await pageA.locator('.task', { hasText: /water the plants/i }).waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
      expect(await pageA.locator('.task').count()).to.equal(1);
      await pageA.getByLabel('Search', { exact: true }).fill('');
      await visible(pageA.getByRole('checkbox', { name: /water the plants/i }));

      await pageA.getByRole('button', { name: 'Delete Buy oat milk' }).click();
      await pageA.getByRole('checkbox', { name: 'Buy oat milk', exact: true }).waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
      await pageB.getByRole('checkbox', { name: 'Buy oat milk', exact: true }).waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
    });

    it('shows API errors in words next to the field they concern', async () => {
      const page = await (await newContext()).newPage();
      await page.goto(stack.url);
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      const emailField = page.getByLabel('Email', { exact: true });
      await page.waitForFunction(() => document.querySelector('input[type=email]')?.getAttribute('aria-invalid') === 'true', undefined, {
        timeout: LIVE_UPDATE_MS,
      });
      const describedBy = await emailField.getAttribute('aria-describedby');
      expect(await page.locator(`#${describedBy}`).textContent()).to.equal('Email is already registered.');
      await screenshot(page, 'field-error');
      await page.getByLabel('Password', { exact: true }).fill('wrong password');
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await visible(page.getByRole('alert').filter({ hasText: 'Email or password is wrong.' }));
      await page.context().close();
    });

    it('greets a new user with what to say, numbers the rows, and "complete 1" completes row 1', async () => {
      const page = await newUserPage();
      expect(await page.getByRole('log').innerText()).to.match(/^No messages yet\. Try “add water the plants tomorrow”/);
      await addTask(page, 'Book dentist', '2031-05-01T10:00');
      await addTask(page, 'Pay rent', '2031-06-01T10:00');
      await addTask(page, 'Tidy desk');
      expect(await page.getByRole('log').innerText()).to.match(/^No messages yet/);

      await say(page, 'complete 1');
      await expectChecked(page, 'Book dentist', true);
      await expectChecked(page, 'Pay rent', false);
      expect(await page.locator('.bubble.assistant').last().textContent()).to.contain('Book dentist');
      expect(await page.locator('.chat-hint').count()).to.equal(0);
      expect(await rows(page)).to.deep.equal(['1 Pay rent', '2 Tidy desk', '3 Book dentist']); // done goes last
      await addTask(page, 'Renew passport', '2031-04-01T10:00'); // due sooner than all: becomes row 1, the rest move down
      expect(await rows(page)).to.deep.equal(['1 Renew passport', '2 Pay rent', '3 Tidy desk', '4 Book dentist']);
      await screenshot(page, 'numbered-list');
      await page.context().close();
    });

    it('numbers as the list does where creation and display order differ: "complete 1" completes row 1, not the first created', async () => {
      const page = await newUserPage({ timezoneId: 'Europe/Paris' });
      const tomorrow = new Intl.DateTimeFormat('en-CA', {
        timeZone: 'Europe/Paris',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).format(new Date(Date.now() + 86_400_000));
      await addTask(page, 'Pay rent'); // created first, no due date: shown after any dated task
      await addTask(page, 'Renew passport', `${tomorrow}T10:00`);
      expect(await rows(page)).to.deep.equal(['1 Renew passport', '2 Pay rent']);

      await say(page, 'complete 1');
      await expectChecked(page, 'Renew passport', true);
      await expectChecked(page, 'Pay rent', false);
      const reply = await page.locator('.bubble.assistant').last().textContent();
      expect(reply).to.contain('Renew passport').and.not.contain('Pay rent');
      expect(await rows(page)).to.deep.equal(['1 Pay rent', '2 Renew passport']); // done goes last
      await page.context().close();
    });

    it('writes a due date the same way in a chat reply and in the list (one shared format, the reader’s zone)', async () => {
      const page = await newUserPage({ timezoneId: 'America/New_York' });
      const tomorrow = new Intl.DateTimeFormat('en-CA', {
        timeZone: 'America/New_York',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).format(new Date(Date.now() + 86_400_000));
      await addTask(page, 'Renew passport', `${tomorrow}T10:00`);
      await addTask(page, 'Pay rent');
      const listDue = async (title: string) =>
        page
          .locator('.task', { has: page.getByRole('checkbox', { name: title, exact: true }) })
          .locator('.due')
          .textContent();

      await say(page, 'move pay rent to 3 june at 9:30'); // a named day: weekday, day, month (and year unless it is this year's)
      const moved = /“Pay rent” is now due (.+)\.$/.exec((await page.locator('.bubble.assistant').last().textContent()) ?? '');
      expect(moved, 'the reply names the new due date').to.not.equal(null);
      expect(moved![1]).to.match(/^\w{3} 3 Jun(?: \d{4})? at 09:30$/);
      await until(async () => (await listDue('Pay rent')) === `Due ${moved![1]}`, `the list to show "Due ${moved![1]}"`);

      await say(page, 'show my tasks');
      const listed = (await page.locator('.bubble.assistant').last().textContent()) ?? '';
      for (const title of ['Renew passport', 'Pay rent']) {
        const inReply = new RegExp(`${title} \\(due ([^,)]+)`).exec(listed);
        expect(inReply, `${title} in “${listed}”`).to.not.equal(null);
        expect(await listDue(title)).to.equal(`Due ${inReply![1]}`);
      }
      expect(await listDue('Renew passport')).to.equal('Due tomorrow at 10:00');
      await page.context().close();
    });

    it('shows each task’s priority and changes it in the editor, saved through the API', async () => {
      const page = await newUserPage();
      await addTask(page, 'Call the bank');
      const row = page.locator('.task', { has: page.getByRole('checkbox', { name: 'Call the bank', exact: true }) });
      expect(await row.locator('.priority').textContent()).to.equal('Medium priority'); // shows "Medium"; " priority" is for screen readers
      await page.getByRole('button', { name: 'Edit Call the bank' }).click();
      await page.getByRole('form', { name: 'Edit Call the bank' }).getByLabel('Priority', { exact: true }).selectOption('high');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await until(
        async () =>
          (await row
            .locator('.priority')
            .textContent()
            .catch(() => '')) === 'High priority',
        'the High badge',
      );
      const stored = await page.evaluate(async () => {
        const { token } = JSON.parse(sessionStorage.getItem('todo.session')!) as { token: string };
        const response = await fetch('/api/tasks', { headers: { authorization: `Bearer ${token}` } });
        return ((await response.json()) as { items: { title: string; priority: string }[] }).items.map((t) => `${t.title}: ${t.priority}`);
      });
      expect(stored).to.deep.equal(['Call the bank: high']);
      await page.getByLabel('New task', { exact: true }).fill('Buy stamps');
      await page.locator('.add-form').getByLabel('Priority', { exact: true }).selectOption('low');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await until(
        async () =>
          (await page
            .locator('.task', { hasText: 'Buy stamps' })
            .locator('.priority')
            .textContent()
            .catch(() => '')) === 'Low priority',
        'the Low badge',
      );
      await page.context().close();
    });

    it('counts title length as the API does and refuses invisible titles, in plain words', async () => {
      const page = await newUserPage();
      const titleField = page.getByLabel('New task', { exact: true });
      const titleError = async () => page.locator(`#${await titleField.getAttribute('aria-describedby')}`).textContent();
      await titleField.fill('🌱'.repeat(201));
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      expect(await titleError()).to.equal('Keep the title to 200 characters or fewer (it has 201).');
      await titleField.fill('\u200B\u200B \u200D');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      expect(await titleError()).to.equal('The title has only spaces or invisible characters. Type some visible text.');
      expect(await page.locator('.task').count()).to.equal(0);
      await addTask(page, '🌱'.repeat(200)); // 400 UTF-16 units: a maxlength of 200 would have cut it in half
      expect(await titleField.getAttribute('aria-invalid')).to.equal(null);
      await page.context().close();
    });

    it('words sign-up errors plainly, the API’s as well as its own', async () => {
      const page = await (await newContext()).newPage();
      await page.goto(stack.url);
      const emailField = page.getByLabel('Email', { exact: true });
      const passwordField = page.getByLabel('Password', { exact: true });
      const errorOf = async (field: typeof emailField) => page.locator(`#${await field.getAttribute('aria-describedby')}`).textContent();
      await emailField.fill('someone@localhost'); // looks fine to the browser; the API's email format wants a domain with a dot
      await passwordField.fill('short');
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      expect(await errorOf(passwordField)).to.equal('Use at least 8 characters.');
      await passwordField.fill('long enough password');
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await until(async () => (await emailField.getAttribute('aria-invalid')) === 'true', 'the API’s email error');
      expect(await errorOf(emailField)).to.equal('Enter a valid email address, like name@example.com.');
      expect(await page.getByRole('alert').allInnerTexts()).to.satisfy((texts: string[]) => texts.every((t) => !/must|format/.test(t)));
      await page.context().close();
    });

    it('keeps the page as tall as its content when the conversation is long (desktop and phone)', async () => {
      const page = await newUserPage();
      for (let i = 1; i <= 30; i++) await say(page, i % 2 ? 'help' : 'show my tasks');
      const log = page.getByRole('log');
      expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight * 3)).to.equal(true); // the log scrolls: long enough to have caused the bug
      const measure = () =>
        page.evaluate(() => ({
          page: document.documentElement.scrollHeight,
          content: Math.max(window.innerHeight, document.querySelector('main')!.getBoundingClientRect().bottom + window.scrollY),
        }));
      const desktop = await measure();
      expect(desktop.page, JSON.stringify(desktop)).to.be.at.most(desktop.content + 16);
      await page.setViewportSize({ width: 390, height: 844 });
      const phone = await measure();
      expect(phone.page, JSON.stringify(phone)).to.be.at.most(phone.content + 16);
      console.log(
        `      page height after 30 messages: desktop ${desktop.page} px (content ${Math.round(desktop.content)}), phone ${phone.page} px (content ${Math.round(phone.content)})`,
      );
      await screenshot(page, 'long-conversation-phone');
      await page.context().close();
    });

    it('sends a session whose token the API rejects back to the login screen with a message', async () => {
      // Well-formed, unexpired, but not signed by the API: what a revoked or rotated-out token looks like.
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const forged = `${encode({ alg: 'EdDSA', kid: 'nope' })}.${encode({ sub: 'x', exp: 4102444800 })}.c2ln`;
      await pageB.evaluate((session) => sessionStorage.setItem('todo.session', session), JSON.stringify({ token: forged, email }));
      await pageB.reload();
      await visible(pageB.getByRole('status').filter({ hasText: 'Your session has expired. Please log in again.' }));
      await visible(pageB.getByRole('button', { name: 'Log in', exact: true }));
      expect(await pageB.evaluate(() => sessionStorage.getItem('todo.session'))).to.equal(null);
    });

    it('fits a phone screen: one column, no sideways scrolling', async () => {
      const context = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      const page = await context.newPage();
      await logIn(page);
      await visible(page.getByRole('checkbox', { name: /water the plants/i }));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).to.be.at.most(0);
      const tasksBox = await page.locator('section.tasks').boundingBox();
      const chatBox = await page.locator('section.chat').boundingBox();
      expect(chatBox!.y).to.be.greaterThan(tasksBox!.y + tasksBox!.height - 1);
      expect(tasksBox!.width).to.be.greaterThan(300);
      await screenshot(page, 'phone');
      await context.close();
    });

    it('logs out: the token is gone and a reload stays logged out', async () => {
      await pageA.getByRole('button', { name: 'Log out' }).click();
      await visible(pageA.getByRole('button', { name: 'Log in', exact: true }));
      expect(await pageA.evaluate(() => sessionStorage.getItem('todo.session'))).to.equal(null);
      await pageA.reload();
      await visible(pageA.getByRole('button', { name: 'Sign up', exact: true }));
      expect(await pageA.getByRole('button', { name: 'Log out' }).count()).to.equal(0);
    });

    it('had no Content-Security-Policy violation on any page', () => {
      expect(cspViolations).to.deep.equal([]);
    });
  });

  describe('Ctrl-C', () => {
    it('stops every service and exits 0', async () => {
      process.kill(-stack.child.pid!, 'SIGINT'); // what a terminal sends to the foreground process group
      const { code, signal } = await stack.exited;
      expect({ code, signal }).to.deep.equal({ code: 0, signal: null });
      expect(stackLog).to.include('stopping…');
      for (const url of [stack.url, stack.apiUrl, stack.gatewayUrl]) expect(await isListening(url), url).to.equal(false);
    });
  });
});
