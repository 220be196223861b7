import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const PROJECTS = ['tsconfig.json', 'services/frontend/tsconfig.json'];

describe('type-check (tsc --noEmit, strict)', function () {
  this.timeout(120_000);
  for (const project of PROJECTS) {
    it(`${project} has no type errors`, async () => {
      expect(existsSync(`${ROOT}/${project}`), `${project} exists`).to.equal(true);
      const result = await run('npx', ['--no-install', 'tsc', '--noEmit', '-p', project], { cwd: ROOT }).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect(result, result).to.equal('');
    });
  }
});
