/**
 * Secrets check (issue 7): secretlint (recommended preset, `.secretlintrc.json`) over every tracked
 * file and everything in dist/, and no Secret data in the synthesized manifests. Both checks are
 * also run against planted secrets, built at run time so this repository never contains one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRETLINT = path.join(ROOT, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
const DIST = path.join(ROOT, 'dist');

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

/** Runs the secretlint CLI with the repository's config on `files`; resolves with every finding and the files it read. */
function secretlint(files: readonly string[]): { findings: Finding[]; linted: string[] } {
  // Through a file: the CLI exits before a large report on a pipe is flushed.
  const reportDir = mkdtempSync(path.join(os.tmpdir(), 'secretlint-report-'));
  const report = path.join(reportDir, 'report.json');
  const run = spawnSync(
    process.execPath,
    [
      SECRETLINT,
      '--no-glob',
      '--format',
      'json',
      '--no-color',
      '--output',
      report,
      '--secretlintrc',
      path.join(ROOT, '.secretlintrc.json'),
      '--secretlintignore',
      path.join(ROOT, '.secretlintignore'),
      ...files,
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  // Exit 1 means "found something"; anything else (2: bad config, a crash) must not pass silently as "nothing found".
  if (run.status !== 0 && run.status !== 1) throw new Error(`secretlint exited with ${run.status}: ${run.stderr}`);
  const output = readFileSync(report, 'utf8');
  rmSync(reportDir, { recursive: true, force: true });
  const results = JSON.parse(output) as {
    filePath: string;
    messages: { ruleId: string; message: string; loc: { start: { line: number } } }[];
  }[];
  return {
    linted: results.map((r) => path.relative(ROOT, r.filePath)),
    findings: results.flatMap((r) =>
      r.messages.map((m) => ({ file: path.relative(ROOT, r.filePath), line: m.loc.start.line, rule: m.ruleId, message: m.message })),
    ),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Manifests with Secret data: a Secret, `stringData` anywhere, top-level `data` outside a ConfigMap, an inline value in an ExternalSecret. */
function secretDataIn(dir: string): string[] {
  const problems: string[] = [];
  for (const file of filesUnder(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const where = path.relative(ROOT, file);
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
      const objects = [doc.toJS() as Record<string, any> | null].flatMap((o) => (o?.kind === 'List' ? (o.items ?? []) : [o]));
      for (const object of objects) {
        if (!object || typeof object !== 'object') continue;
        const name = `${where}: ${object.kind}/${object.metadata?.name}`;
        if (object.kind === 'Secret') problems.push(`${name} is a Secret (secrets are referenced, never committed)`);
        if (object.data !== undefined && object.kind !== 'ConfigMap') problems.push(`${name} has top-level data`);
        if (JSON.stringify(object).includes('"stringData"')) problems.push(`${name} has stringData`);
        if (object.kind === 'ExternalSecret') {
          for (const entry of object.spec?.data ?? []) {
            if (Object.keys(entry).some((key) => key !== 'secretKey' && key !== 'remoteRef'))
              problems.push(`${name} has a data entry that is not a remoteRef: ${JSON.stringify(entry)}`);
          }
        }
      }
    }
  }
  return problems;
}

const format = (findings: readonly Finding[]) => findings.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`).join('\n');

describe('secrets (issue 7)', function () {
  this.timeout(60_000);

  it('secretlint finds nothing in the tracked files or in dist/', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && existsSync(path.join(ROOT, f)));
    const dist = filesUnder(DIST).map((f) => path.relative(ROOT, f));
    const files = [...new Set([...tracked, ...dist])];
    const { findings, linted } = secretlint(files);
    expect(findings, `secretlint findings:\n${format(findings)}`).to.deep.equal([]);
    // Not vacuous: every file was read, dist/ included (secretlint skips only its own config file).
    expect(linted).to.have.members(files.filter((f) => f !== '.secretlintrc.json'));
    expect(linted.filter((f) => f.startsWith(`dist${path.sep}`)).length)
      .to.equal(dist.length)
      .and.to.be.above(0);
  });

  it('dist/ holds no Secret, no stringData, and ExternalSecrets only reference remote values', () => {
    const yamlFiles = filesUnder(DIST).filter((f) => /\.ya?ml$/.test(f));
    expect(yamlFiles.length).to.be.above(0);
    expect(secretDataIn(DIST)).to.deep.equal([]);
  });

  describe('can fail', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'secrets-check-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('secretlint reports a private key and an AWS key pair planted in a temp dir', () => {
      // Real-looking material made now: nothing of it is ever written inside the repository.
      const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
      const accessKeyId = ['AK', 'IA', ...Array.from(randomBytes(16), (b) => alphabet[b % 32])].join('');
      const secretAccessKey = randomBytes(30).toString('base64');
      writeFileSync(path.join(dir, 'deploy-key.pem'), privateKey);
      writeFileSync(path.join(dir, 'settings.env'), `AWS_ACCESS_KEY_ID=${accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secretAccessKey}\n`);
      writeFileSync(path.join(dir, 'clean.txt'), 'nothing to see here\n');
      const { findings } = secretlint(filesUnder(dir));
      const byFile = (name: string) => findings.filter((f) => f.file.endsWith(name)).map((f) => f.rule);
      expect(byFile('deploy-key.pem'), format(findings)).to.include('@secretlint/secretlint-rule-privatekey');
      expect(byFile('settings.env'), format(findings)).to.include('@secretlint/secretlint-rule-aws');
      expect(byFile('clean.txt')).to.deep.equal([]);
    });

    it('the manifest check reports a Secret, stringData and an inline ExternalSecret value', () => {
      writeFileSync(
        path.join(dir, 'bad.yaml'),
        [
          'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: aHVudGVyMg==}',
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\nstringData: {token: abc}',
          'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: jwt}\nspec:\n  data:\n    - {secretKey: key, value: inline}',
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\ndata: {LOG_LEVEL: info}',
        ].join('\n---\n'),
      );
      expect(secretDataIn(dir)).to.have.members([
        `${path.relative(ROOT, path.join(dir, 'bad.yaml'))}: Secret/db is a Secret (secrets are referenced, never committed)`,
        `${path.relative(ROOT, path.join(dir, 'bad.yaml'))}: Secret/db has top-level data`,
        `${path.relative(ROOT, path.join(dir, 'bad.yaml'))}: ConfigMap/cfg has stringData`,
        `${path.relative(ROOT, path.join(dir, 'bad.yaml'))}: ExternalSecret/jwt has a data entry that is not a remoteRef: {"secretKey":"key","value":"inline"}`,
      ]);
    });
  });
});
