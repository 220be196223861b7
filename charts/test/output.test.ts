import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoCollisions, GENERATED_HEADER, writeFolder, type KubeObject } from '../output.js';

const configMap = (name: string, namespace = 'todo'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });

describe('charts/output', () => {
  it('writes one object per file, named <kind>-<name>.yaml, each behind the generated header', () => {
    const out = mkdtempSync(join(tmpdir(), 'output-'));
    const files = writeFolder(out, 'dev', [configMap('one'), configMap('two')]);
    expect(files).to.deep.equal(['dev/configmap-one.yaml', 'dev/configmap-two.yaml']);
    const text = readFileSync(join(out, files[0]!), 'utf8');
    expect(text).to.equal(`${GENERATED_HEADER}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: todo\ndata:\n  a: "1"\n`);
  });

  it('empties the folder first, so a removed object leaves no stale file behind', () => {
    const out = mkdtempSync(join(tmpdir(), 'output-'));
    mkdirSync(join(out, 'dev'));
    writeFileSync(join(out, 'dev', 'configmap-removed.yaml'), 'stale');
    writeFolder(out, 'dev', [configMap('kept')]);
    expect(readdirSync(join(out, 'dev'))).to.deep.equal(['configmap-kept.yaml']);
  });

  it('refuses two objects that would share a file (cdk8s#2821), naming both, and writes nothing', () => {
    const out = mkdtempSync(join(tmpdir(), 'output-'));
    const clash = [configMap('settings', 'todo'), configMap('settings', 'other')];
    expect(() => writeFolder(out, 'dev', clash)).to.throw(
      'two objects would be written to the same file (cdk8s#2821):\n  dev/configmap-settings.yaml: core/ConfigMap/todo/settings and core/ConfigMap/other/settings',
    );
    expect(existsSync(join(out, 'dev'))).to.equal(false);
    expect(() => assertNoCollisions('dev', [configMap('a'), configMap('b')])).to.not.throw();
  });
});
