import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { CORE_SCHEMA, YAML11_SCHEMA, load } from 'js-yaml';
import { parse } from 'yaml';
import { assertNoCollisions, GENERATED_HEADER, toYaml, writeTree, type KubeObject } from '../output.js';

/** What YAML 1.1 readers (kubectl's and Argo CD's Go parsers) and YAML 1.2 readers make of `text`, as JSON data. */
function readings(text: string): { yaml11: unknown; yaml12: unknown; yamlPackage: unknown } {
  const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
  return { yaml11: json(load(text, { schema: YAML11_SCHEMA })), yaml12: load(text, { schema: CORE_SCHEMA }), yamlPackage: parse(text) };
}

/** Strings that some YAML version reads as a boolean, number, null, date or merge key when left plain. */
const AMBIGUOUS = [
  'on',
  'off',
  'yes',
  'No',
  'y',
  'n',
  'True',
  'null',
  '~',
  '0755',
  '0o17',
  '0x1F',
  '0b101',
  '1_000',
  '1e3',
  '.5',
  '+1',
  '.inf',
  '-.Inf',
  '.NaN',
  '2024-01-01',
  '2024-01-01T10:00:00Z',
  '1:20',
  '190:20:30',
  '=',
  '<<',
  '',
  ' lead',
  'trail ',
  '- x',
  '#x',
  'a: b',
  'x #y',
  '{x}',
  '[x]',
  '*x',
  '&x',
  '!x',
  '@x',
  '%x',
  '`x',
  '|x',
  '>x',
  '?x',
  'a "quoted" word',
  'say: "hi"',
  "it's",
  'both \'s and "d"',
  'line\nbreak\n',
  '\ttab',
];

const configMap = (name: string, namespace = 'todo'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { a: '1' },
});

describe('charts/output', () => {
  it('writes strings that YAML 1.1 or 1.2 would read as another type quoted: kubectl, Argo CD and YAML 1.2 readers get the same object', () => {
    const data = Object.fromEntries(AMBIGUOUS.map((value, i) => [`k${i}`, value]));
    const object = {
      ...configMap('ambiguous'),
      data,
      [AMBIGUOUS[5]!]: AMBIGUOUS[4],
      numbers: [1, 1.5, -2, 0],
      flags: [true, false],
      none: null,
    };
    const text = toYaml(object);
    expect(readings(text)).to.deep.equal({ yaml11: object, yaml12: object, yamlPackage: object });
    expect(text).to.include('  k0: "on"\n').and.include('  k10: "0o17"\n').and.include('"n": "y"\n');
    // Quoted because of ': ', single-quoted because of the double quotes inside (nothing to escape).
    expect(text).to.include(`  k${AMBIGUOUS.indexOf('say: "hi"')}: 'say: "hi"'\n`);
  });

  it('reads back as the same object under YAML 1.1 and 1.2 for any JSON-like object (property)', () => {
    const scalar = fc.oneof(
      fc.constantFrom(...AMBIGUOUS),
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const key = fc.oneof(fc.constantFrom(...AMBIGUOUS.filter((k) => k !== '<<')), fc.string({ minLength: 1 }));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 6 }), (object) => {
        const expected = JSON.parse(JSON.stringify(object)) as unknown;
        const read = readings(toYaml(expected));
        return (
          isDeepStrictEqual(read.yaml11, expected) &&
          isDeepStrictEqual(read.yaml12, expected) &&
          isDeepStrictEqual(read.yamlPackage, expected)
        );
      }),
      { numRuns: 300 },
    );
  });

  it('writes one object per file, named <kind>-<name>.yaml, each behind the generated header', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'output-')), 'dist');
    const files = writeTree(out, new Map([['dev', [configMap('one'), configMap('two')]]]));
    expect(files).to.deep.equal(['dev/configmap-one.yaml', 'dev/configmap-two.yaml']);
    const text = readFileSync(join(out, files[0]!), 'utf8');
    expect(text).to.equal(
      `${GENERATED_HEADER}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: todo\ndata:\n  a: "1"\n`,
    );
  });

  it('replaces the whole tree, so a removed object or folder leaves no stale file behind, and leaves no temporary folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'output-'));
    const out = join(parent, 'dist');
    mkdirSync(join(out, 'dev'), { recursive: true });
    mkdirSync(join(out, 'gone'));
    writeFileSync(join(out, 'dev', 'configmap-removed.yaml'), 'stale');
    writeTree(out, new Map([['dev', [configMap('kept')]]]));
    expect(readdirSync(out)).to.deep.equal(['dev']);
    expect(readdirSync(join(out, 'dev'))).to.deep.equal(['configmap-kept.yaml']);
    expect(readdirSync(parent)).to.deep.equal(['dist']);
  });

  it('refuses two objects that would share a file (cdk8s#2821), naming both, and leaves the previous tree untouched', () => {
    const parent = mkdtempSync(join(tmpdir(), 'output-'));
    const out = join(parent, 'dist');
    writeTree(out, new Map([['dev', [configMap('before')]]]));
    const before = readFileSync(join(out, 'dev', 'configmap-before.yaml'), 'utf8');
    const clash = [configMap('settings', 'todo'), configMap('settings', 'other')];
    expect(() => writeTree(out, new Map([['dev', clash]]))).to.throw(
      'two objects would be written to the same file (cdk8s#2821):\n  dev/configmap-settings.yaml: core/ConfigMap/todo/settings and core/ConfigMap/other/settings',
    );
    expect(readdirSync(join(out, 'dev'))).to.deep.equal(['configmap-before.yaml']);
    expect(readFileSync(join(out, 'dev', 'configmap-before.yaml'), 'utf8')).to.equal(before);
    expect(existsSync(join(parent, `dist.partial-${process.pid}`))).to.equal(false);
    expect(() => assertNoCollisions('dev', [configMap('a'), configMap('b')])).to.not.throw();
  });
});
