import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoCollisions, GENERATED_HEADER, writeTree, type KubeObject } from '../output.js';

const configMap = (name: string, namespace = 'todo'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { a: '1' },
});

describe('charts/output', () => {
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
