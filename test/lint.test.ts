/**
 * Lint and format (issue 15): ESLint (eslint.config.js) and Prettier (.prettierrc.json, .prettierignore)
 * over the repository, as `make lint` runs them; each fails listing what it found. Planted code, passed on
 * stdin under a repository path, shows that both can fail and that they apply the project's configuration.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const PRETTIER = path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
// Caches under node_modules/.cache: a rerun checks only what changed (both tools key them by content and config).
const ESLINT_CACHE = ['--cache', '--cache-location', path.join(ROOT, 'node_modules', '.cache', 'eslint') + path.sep];
const PRETTIER_CACHE = ['--cache', '--cache-strategy', 'content'];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a Node.js CLI from the repository root, `input` on its stdin; resolves when it exits, whatever its status. */
function runCli(bin: string, args: readonly string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

interface EslintResult {
  readonly filePath: string;
  readonly messages: readonly { readonly ruleId: string | null; readonly line: number; readonly message: string }[];
}

/** ESLint's JSON report of `args`; a crash or a configuration error (exit 2) throws instead of reading as "nothing found". */
async function eslint(args: readonly string[], input?: string): Promise<EslintResult[]> {
  // A large report goes through a file: the CLI may exit before a pipe is drained.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eslint-report-'));
  const report = path.join(dir, 'report.json');
  try {
    const run = await runCli(ESLINT, ['--format', 'json', '--output-file', report, ...args], input);
    if (run.status !== 0 && run.status !== 1) throw new Error(`eslint exited with ${run.status}: ${run.stderr}${run.stdout}`);
    return JSON.parse(readFileSync(report, 'utf8')) as EslintResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const findingsOf = (results: readonly EslintResult[]) =>
  results.flatMap((r) =>
    r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.ruleId ?? '(parse error)'}: ${m.message}`),
  );

/** Prettier's output for `source` formatted as the repository file `filePath` (config and ignore file applied). */
async function prettierFormat(filePath: string, source: string): Promise<string> {
  const run = await runCli(PRETTIER, ['--stdin-filepath', filePath], source);
  if (run.status !== 0) throw new Error(`prettier exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

describe('lint and format (issue 15)', function () {
  this.timeout(240_000);

  // Both whole-repository runs start at once: they take most of this suite's time and use a core each.
  let eslintRun: Promise<EslintResult[]>;
  let prettierRun: Promise<Run>;
  before(() => {
    eslintRun = eslint([...ESLINT_CACHE, '--max-warnings', '0', '.']);
    prettierRun = runCli(PRETTIER, [...PRETTIER_CACHE, '--list-different', '.']);
    // Awaited by the tests; a rejection before then must not count as unhandled.
    eslintRun.catch(() => undefined);
    prettierRun.catch(() => undefined);
  });

  it('ESLint reports nothing (eslint . --max-warnings 0)', async () => {
    const findings = findingsOf(await eslintRun);
    expect(findings.length, `ESLint findings (npx eslint . --fix fixes some):\n${findings.join('\n')}\n`).to.equal(0);
  });

  it('ESLint reads every tracked TypeScript and JavaScript file outside dist/', async () => {
    const linted = (await eslintRun).map((r) => path.relative(ROOT, r.filePath));
    const sources = execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.js', '*.mjs', '*.cjs'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && !file.startsWith('dist/'));
    expect(sources.length).to.be.above(100);
    expect(linted).to.include.members(sources);
  });

  it('Prettier finds every file formatted (prettier --check .)', async () => {
    const run = await prettierRun;
    if (run.status !== 0 && run.status !== 1) throw new Error(`prettier exited with ${run.status}: ${run.stderr}`);
    const unformatted = run.stdout.split('\n').filter(Boolean);
    expect(unformatted.length, `not formatted (npx prettier --write . formats them):\n${unformatted.join('\n')}\n`).to.equal(0);
    expect(run.status).to.equal(0);
  });

  describe('can fail', () => {
    it('ESLint reports planted code in a service with the recommended rules', async () => {
      const planted = 'export const value: any = 1;\nlet total = 2;\nexport { total };\n';
      const [result] = await eslint(['--stdin', '--stdin-filename', 'services/todo-api/src/planted.ts'], planted);
      expect(result!.messages.map((m) => m.ruleId)).to.have.members(['@typescript-eslint/no-explicit-any', 'prefer-const']);
    });

    it('ESLint knows browser globals in the frontend and Node.js globals elsewhere', async () => {
      const planted = 'document.title = String(process.pid);\n';
      const [frontend] = await eslint(['--stdin', '--stdin-filename', 'services/frontend/src/planted.js'], planted);
      const [server] = await eslint(['--stdin', '--stdin-filename', 'services/todo-api/src/planted.js'], planted);
      expect(frontend!.messages.map((m) => m.message)).to.deep.equal(["'process' is not defined."]);
      expect(server!.messages.map((m) => m.message)).to.deep.equal(["'document' is not defined."]);
    });

    it('Prettier reformats planted code with the project style (single quotes, trailing commas, 140 columns)', async () => {
      const longCall = `expect(await request(server, 'GET', '/api/tasks?status=all&sort=due'), 'the list of every task').to.deep.equal([]);`;
      const planted = `const a = "x";\n  function f( ) {return [a,\n a]}\n${longCall}\n`;
      const expected = `const a = 'x';\nfunction f() {\n  return [a, a];\n}\n${longCall}\n`;
      expect(longCall.length).to.be.within(100, 140);
      expect(await prettierFormat('services/todo-api/src/planted.ts', planted)).to.equal(expected);
      const [first, second] = ['a'.repeat(70), 'b'.repeat(70)];
      expect(await prettierFormat('services/todo-api/src/planted.ts', `call("${first}", "${second}");\n`)).to.equal(
        `call(\n  '${first}',\n  '${second}',\n);\n`,
      );
    });

    it('Prettier leaves ignored paths alone (the synthesized manifests in dist/)', async () => {
      const manifest = 'kind:   ConfigMap\nmetadata: {name: "x"}\n';
      expect(await prettierFormat('dist/dev/planted.yaml', manifest)).to.equal(manifest);
      expect(await prettierFormat('charts/planted.yaml', manifest)).to.equal("kind: ConfigMap\nmetadata: { name: 'x' }\n");
    });
  });
});
