/**
 * constructs/README.md's table of constructs: every construct the package exports is listed, the
 * table lists nothing the package does not export, and every doc section it links to exists.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Construct } from 'constructs';
import * as library from '../index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const TABLE = README.slice(README.indexOf('## Constructs'), README.indexOf('## Install'));

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to dashes. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));
}

describe('constructs/README.md table of constructs', () => {
  const exported = Object.entries(library)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Construct)
    .map(([name]) => name)
    .sort();
  const listed = [...TABLE.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`(\w+)`/g)].map((n) => n[1]!));

  it('lists every construct the package exports', () => {
    expect(exported.length).to.be.greaterThan(15);
    expect(exported.filter((name) => !listed.includes(name))).to.deep.equal([]);
  });

  it('lists only what the package exports', () => {
    expect(listed.filter((name) => !(name in library))).to.deep.equal([]);
  });

  it('links only to sections that exist', () => {
    const links = [...TABLE.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).to.be.greaterThan(15);
    for (const link of links) {
      const [file, hash] = link.split('#');
      const markdown = file === '' ? README : readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
      if (hash !== undefined) expect(anchorsOf(markdown), link).to.include(hash);
    }
  });
});
