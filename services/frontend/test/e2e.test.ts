/**
 * End-to-end tests of the local stack exactly as `make dev` runs it (dev/stack.ts as a child
 * process on free ports: todo-api on an embedded database, chat-gateway, the dev server with the
 * nginx CSP), first over HTTP and WebSocket, then in Debian's Chromium driven by playwright-core
 * (no browser download), then Ctrl-C. Screenshots go to a folder printed at the start.
 *
 * Without /usr/bin/chromium the browser part is skipped with a message — unless
 * REQUIRE_BROWSER=1 (CI), where a missing browser fails it.
 */
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
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
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
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<RunningStack>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.push(line);
        const m = /ready: open (\S+)\s+\(todo-api (\S+), chat-gateway (\S+);/.exec(line);
        if (m) resolve({ url: m[1]!, apiUrl: m[2]!, gatewayUrl: m[3]!, child, exited });
      });
    }
    void exited.then(({ code, signal }) => reject(new Error(`the stack exited before it was ready (code ${code}, signal ${signal}):\n${log.slice(-30).join('\n')}`)));
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
    const tasks = (await (await fetch(`${stack.url}/api/tasks`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { title: string }[] };
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
          void (window as unknown as { __reportCspViolation(t: string): Promise<void> }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`);
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
      await until(async () => (await box.count()) === 1 && (await box.isChecked()) === checked, `${String(name)} to be ${checked ? 'checked' : 'unchecked'}`);
    }

    async function logIn(page: Page): Promise<void> {
      await page.goto(stack.url);
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await visible(page.getByRole('button', { name: 'Log out' }));
    }

    before(async function () {
      if (!existsSync(CHROMIUM)) {
        if (process.env['REQUIRE_BROWSER'] === '1') {
          throw new Error(`Chromium not found at ${CHROMIUM}, and REQUIRE_BROWSER=1 requires the browser end-to-end tests (apt-get install chromium)`);
        }
        console.log(`    [skip] Chromium not found at ${CHROMIUM}: browser end-to-end tests SKIPPED (apt-get install chromium, or set CHROMIUM_PATH; CI sets REQUIRE_BROWSER=1 to fail instead)`);
        this.skip();
      }
      shotsDir = path.join(workDir, 'screenshots');
      console.log(`    screenshots: ${shotsDir}`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    });

    afterEach(async function () {
      if (this.currentTest?.state !== 'failed' || !pageA || pageA.isClosed()) return;
      const chatLog = await pageA.locator('.chat-log').innerText().catch(() => '(none)');
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
      expect(await item.locator('.due').textContent()).to.match(/^Tomorrow \d\d:\d\d$/);
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

    it('keeps the state and the session across a reload', async () => {
      await pageA.reload();
      await expectChecked(pageA, 'Buy milk', true);
      await expectChecked(pageA, /water the plants/i, true);
      expect(await pageA.locator('.who').textContent()).to.equal(email);
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
      expect(await edited.locator('.due').textContent()).to.match(/^Sun,? 4 May 2031 09:30$/);
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
      await page.waitForFunction(() => document.querySelector('input[type=email]')?.getAttribute('aria-invalid') === 'true', undefined, { timeout: LIVE_UPDATE_MS });
      const describedBy = await emailField.getAttribute('aria-describedby');
      expect(await page.locator(`#${describedBy}`).textContent()).to.equal('Email is already registered.');
      await screenshot(page, 'field-error');
      await page.getByLabel('Password', { exact: true }).fill('wrong password');
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await visible(page.getByRole('alert').filter({ hasText: 'Email or password is wrong.' }));
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
