/** GrafanaDashboard: a dashboard model as the ConfigMap Grafana's dashboard sidecar provisions. */
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { GrafanaDashboard, type GrafanaDashboardProps } from '../grafana-dashboard.js';
import { checkedEnvironment } from './support/policy.js';
import { only, type Manifest } from './support/snapshot.js';

const IDENTITY = { name: 'todo-api', version: '1.4.2', component: 'api', partOf: 'todo' };
const MODEL = { uid: 'prod-todo-api', title: 'todo-api (prod)', panels: [{ id: 1, type: 'timeseries', title: 'Requests' }] };

function synth(props: Partial<GrafanaDashboardProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new GrafanaDashboard(chart, 'dashboard', { identity: IDENTITY, namespace: 'todo', dashboard: MODEL, ...props });
  return Testing.synth(chart) as Manifest[];
}

describe('GrafanaDashboard', () => {
  it('emits the model as <uid>.json in a ConfigMap the sidecar selects, in the folder the annotation names', () => {
    const configMap = only(synth({ folder: 'todo-platform-prod' }), 'ConfigMap');
    expect(configMap.metadata).to.deep.include({
      name: 'grafana-dashboard-prod-todo-api',
      namespace: 'todo',
      annotations: { grafana_folder: 'todo-platform-prod' },
    });
    expect(configMap.metadata.labels).to.include({
      grafana_dashboard: '1',
      'app.kubernetes.io/name': 'todo-api',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(Object.keys(configMap.data)).to.deep.equal(['prod-todo-api.json']);
    expect(JSON.parse(configMap.data['prod-todo-api.json'])).to.deep.equal(MODEL);
  });

  it("writes the same bytes for the same model: indented JSON in the model's key order, ending in a newline", () => {
    const text = (objects: Manifest[]) => only(objects, 'ConfigMap').data['prod-todo-api.json'];
    expect(text(synth()))
      .to.equal(text(synth()))
      .and.to.equal(`${JSON.stringify(MODEL, null, 2)}\n`);
  });

  it('leaves the folder to the sidecar when none is given, and takes another label and annotation key', () => {
    expect(only(synth(), 'ConfigMap').metadata.annotations).to.equal(undefined);
    const custom = only(
      synth({
        folder: 'Todo',
        folderAnnotation: 'k8s-sidecar-target-directory',
        sidecarLabel: { key: 'example.com/dashboard', value: 'true' },
      }),
      'ConfigMap',
    );
    expect(custom.metadata.annotations).to.deep.equal({ 'k8s-sidecar-target-directory': 'Todo' });
    expect(custom.metadata.labels).to.include({ 'example.com/dashboard': 'true' }).and.not.have.property('grafana_dashboard');
  });

  it('passes every hardening rule and the ConfigMap schema with no waiver', async () => {
    const { objects, violations } = await checkedEnvironment((chart) => {
      new GrafanaDashboard(chart, 'dashboard', { identity: IDENTITY, namespace: 'todo', dashboard: MODEL, folder: 'todo-platform-prod' });
    });
    expect(objects.filter((o) => o.kind === 'ConfigMap')).to.have.length(1);
    expect(violations).to.deep.equal([]);
  });

  for (const [what, props, message] of [
    ['a missing uid', { dashboard: { title: 'x' } }, 'invalid dashboard.uid undefined: must be 1-40 lowercase letters'],
    ['an uppercase uid', { dashboard: { uid: 'Prod-API', title: 'x' } }, 'invalid dashboard.uid "Prod-API"'],
    ['a uid over 40 characters', { dashboard: { uid: 'a'.repeat(41), title: 'x' } }, `invalid dashboard.uid "${'a'.repeat(41)}"`],
    ['an empty title', { dashboard: { uid: 'a', title: ' ' } }, 'invalid dashboard.title " ": must be a non-empty string'],
    ['an empty folder', { folder: '' }, 'invalid folder "": must be a non-empty folder name'],
    [
      'a bad annotation key',
      { folderAnnotation: 'grafana folder' },
      'invalid folderAnnotation "grafana folder": must be a valid annotation key',
    ],
    ['a bad label value', { sidecarLabel: { key: 'grafana_dashboard', value: 'yes please' } }, 'invalid sidecarLabel.value "yes please"'],
    [
      'a model over 1 MiB',
      { dashboard: { uid: 'big', title: 'x', description: 'x'.repeat(1024 * 1024) } },
      'invalid dashboard "1048632 bytes": must serialise to at most 1048576 bytes',
    ],
  ] as const) {
    it(`refuses ${what}, naming the construct and the value`, () => {
      expect(() => synth(props as Partial<GrafanaDashboardProps>)).to.throw(`test/dashboard: ${message}`);
    });
  }
});
