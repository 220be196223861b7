/**
 * Browser end-to-end test: Debian's Chromium driven by playwright-core (no browser download)
 * against the real local stack (todo-api on an embedded database, chat-gateway, dev server with
 * the nginx CSP) on free ports. Screenshots go to a folder printed at the start.
 *
 * Without /usr/bin/chromium the suite is skipped with a message — unless REQUIRE_BROWSER=1
 * (CI), where a missing browser fails it.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDevStack, type DevStack } from '../dev/stack.js';
import { readNginxSite, responseHeaders } from '../nginx-config.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LIVE_UPDATE_MS = 10_000;

describe('frontend end-to-end in Chromium', function () {
  this.timeout(90_000);
  let stack: DevStack | undefined;
  let browser: Browser | undefined;
  let workDir: string;
  let shotsDir: string;
  const stackLog: string[] = [];
  const cspViolations: string[] = [];
  const email = `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'correct horse battery staple';
  let shot = 0;

  async function screenshot(page: Page, name: string): Promise<void> {
    shot += 1;
    await page.screenshot({ path: path.join(shotsDir, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  }

  /** A fresh browser context that records CSP violations and console errors of every page. */
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

  async function logIn(page: Page): Promise<void> {
    await page.goto(stack!.url);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await visible(page.getByRole('button', { name: 'Log out' }));
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

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const message = `Chromium not found at ${CHROMIUM}: browser end-to-end tests SKIPPED (apt-get install chromium; CI sets REQUIRE_BROWSER=1 to fail instead)`;
      if (process.env['REQUIRE_BROWSER'] === '1') throw new Error(message);
      console.log(`    [skip] ${message}`);
      this.skip();
    }
    workDir = await mkdtemp(path.join(os.tmpdir(), 'frontend-e2e-'));
    shotsDir = path.join(workDir, 'screenshots');
    console.log(`    screenshots: ${shotsDir}`);
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => stackLog.push(...chunk.toString().split('\n').filter(Boolean)));
    [stack, browser] = await Promise.all([
      startDevStack({
        port: 0,
        apiPort: 0,
        gatewayPort: 0,
        dataDir: path.join(workDir, 'data'),
        outDir: path.join(workDir, 'web'),
        output,
        color: false,
        logLevel: 'warn',
        env: { SCRYPT_LOG_N: '12' }, // password hashing cost, lowered for tests (todo-api README)
      }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    console.log(`    stack log:\n      ${stackLog.slice(-40).join('\n      ')}`);
    const chatLog = pageA && !pageA.isClosed() ? await pageA.locator('.chat-log').innerText().catch(() => '(none)') : '(none)';
    console.log(`    chat in the first context:\n      ${chatLog.split('\n').join('\n      ')}`);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    if (workDir) await rm(path.join(workDir, 'data'), { recursive: true, force: true });
  });

  let pageA: Page;
  let pageB: Page;

  it('serves the app with the nginx CSP header', async () => {
    const context = await newContext();
    pageA = await context.newPage();
    const response = await pageA.goto(stack!.url);
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
    await pageB.goto(stack!.url);
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
    await page.goto(stack!.url);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    const emailField = page.getByLabel('Email', { exact: true });
    await page.waitForFunction(() => document.querySelector('input[type=email]')?.getAttribute('aria-invalid') === 'true', undefined, { timeout: LIVE_UPDATE_MS });
    const describedBy = await emailField.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).to.equal('Email is already registered.');
    await page.getByLabel('Password', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Email or password is wrong.' }));
    await screenshot(page, 'field-errors');
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
