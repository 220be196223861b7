/**
 * The Node.js versions the project declares agree with each other and with its dependencies (issue 15):
 * `npm ci` warns EBADENGINE for every installed package whose engines.node the running node does not
 * meet, so a declared range wider than a dependency's lets a supported node install something that
 * refuses it. One version runs everything: .nvmrc (what make and CI install), the root engines, and
 * the production images' `FROM node:<version>`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import semver from 'semver';
import { requireOrSkip } from './support/requirements.js';

const ROOT = new URL('..', import.meta.url).pathname;

interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly link?: boolean;
  readonly resolved?: string;
}

const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as { name: string; engines?: { node?: string } };
const rootRange = readJson('package.json').engines?.node;
const library = readJson('constructs/package.json');
const nvmrc = readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim();

/** engines.node of a lock entry (old packages wrote engines as an array of strings: no node range then). */
function nodeRange(entry: LockEntry): string | undefined {
  return entry.engines && !Array.isArray(entry.engines) ? (entry.engines as { node?: string }).node : undefined;
}

/** Lock locations (node_modules/…) whose engines.node does not accept every version of `range`. */
function refusing(range: string, locations: Iterable<string>): string[] {
  return [...locations].flatMap((location) => {
    const required = nodeRange(lock.packages[location]!);
    return required && !semver.subset(range, required) ? [`${location}@${lock.packages[location]!.version} wants node ${required}`] : [];
  });
}

/** Where Node's resolution finds `name` from the package at lock location `from` (its own node_modules, then each parent's). */
function resolve(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
  }
}

/** The lock locations a consumer of the package at `start` installs: its dependencies, optional and peer ones, transitively. */
function runtimeClosure(start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const from = queue.pop()!;
    const entry = lock.packages[from]!;
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      const location = resolve(from, name);
      if (location && !seen.has(location)) {
        seen.add(location);
        queue.push(location);
      }
    }
  }
  return seen;
}

describe('Node.js versions (issue 15)', () => {
  it('the root declares a node range, and .nvmrc pins one version inside it', () => {
    expect(rootRange, 'package.json engines.node').to.be.a('string');
    expect(semver.valid(nvmrc), `.nvmrc (${nvmrc}) is one exact version`).to.equal(nvmrc);
    expect(semver.satisfies(nvmrc, rootRange!), `.nvmrc ${nvmrc} within package.json's ${rootRange}`).to.equal(true);
  });

  it("every package in package-lock.json accepts every node the root's range allows (npm ci warns EBADENGINE otherwise)", () => {
    const installed = Object.keys(lock.packages).filter((location) => location.includes('node_modules/'));
    expect(installed.length).to.be.greaterThan(100);
    expect(refusing(rootRange!, installed)).to.deep.equal([]);
  });

  it("every image runs the node .nvmrc pins (FROM node:<version>), so tests run on production's node", () => {
    const froms = readdirSync(path.join(ROOT, 'services'), { withFileTypes: true })
      .filter((dir) => dir.isDirectory())
      .flatMap((dir) => {
        let dockerfile: string;
        try {
          dockerfile = readFileSync(path.join(ROOT, 'services', dir.name, 'Dockerfile'), 'utf8');
        } catch {
          return [];
        }
        return [...dockerfile.matchAll(/^FROM node:(\S+?)(?:-\S+)?(?:\s|$)/gm)].map((match) => `${dir.name}: ${match[1]}`);
      });
    expect(froms.length, 'FROM node:<version> lines').to.be.at.least(3);
    expect(froms.filter((from) => !from.endsWith(`: ${nvmrc}`))).to.deep.equal([]);
  });

  it(`the published library (${library.name}) declares a range its own dependencies accept, and the root's range is inside it`, () => {
    const range = library.engines?.node;
    expect(range, 'constructs/package.json engines.node').to.be.a('string');
    const closure = runtimeClosure('constructs');
    expect(closure, 'the library depends on kubernetes-models').to.include('node_modules/kubernetes-models');
    expect(refusing(range!, closure)).to.deep.equal([]);
    expect(semver.subset(rootRange!, range!), `root ${rootRange} within the library's ${range}`).to.equal(true);
  });
});

describe('under make, everything runs on the node .nvmrc pins (issue 15)', function () {
  this.timeout(60_000); // npm exec starts two processes
  before(function () {
    // make exports MAKELEVEL to every recipe; a run started by hand uses whatever node it was given.
    requireOrSkip(this, process.env.MAKELEVEL !== undefined, { needs: 'a run started by make (MAKELEVEL)', howTo: 'run make test' });
  });

  it('mocha itself, and npm and the node it starts by name (as npx, tsx and the package test do)', () => {
    expect(process.version, 'mocha').to.equal(`v${nvmrc}`);
    const [started, npmNode] = execFileSync(
      'npm',
      ['exec', '--no', '--', 'node', '-p', 'process.version + " " + process.env.npm_node_execpath'],
      { cwd: ROOT, encoding: 'utf8' },
    )
      .trim()
      .split(' ');
    expect(started, 'node started by npm exec').to.equal(`v${nvmrc}`);
    expect(execFileSync(npmNode!, ['--version'], { encoding: 'utf8' }).trim(), `the node npm runs on (${npmNode})`).to.equal(`v${nvmrc}`);
  });
});
