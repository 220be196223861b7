import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { isValidLabelValue, recommendedLabels, type AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';

/**
 * A Grafana dashboard's JSON model (schema v1, what Grafana's provisioning loads), e.g. the result of
 * `new DashboardBuilder(title).uid(uid)...build()` from `@grafana/grafana-foundation-sdk/dashboard`.
 */
export interface GrafanaDashboardModel {
  /** Grafana's stable identifier of the dashboard: links and the sidecar's updates key on it. */
  readonly uid?: string;
  readonly title?: string;
}

/** The ConfigMap label Grafana's dashboard sidecar watches for. */
export interface SidecarLabel {
  readonly key: string;
  readonly value: string;
}

/** One Grafana dashboard as a ConfigMap that Grafana's dashboard sidecar (k8s-sidecar) provisions. */
export interface GrafanaDashboardProps {
  /** Labels of the ConfigMap: whose dashboard it is. */
  readonly identity: AppIdentity;
  /** Namespace of the ConfigMap; the sidecar must search it (`sidecar.dashboards.searchNamespace`). */
  readonly namespace: string;
  /** The dashboard; its `uid` (lowercase letters, digits, `-`; at most 40) names the ConfigMap and its file. */
  readonly dashboard: GrafanaDashboardModel;
  /**
   * The Grafana folder the dashboard goes in, set through `folderAnnotation`.
   * @default - no annotation: the sidecar's default folder
   */
  readonly folder?: string;
  /**
   * The annotation the sidecar reads the folder from (`sidecar.dashboards.folderAnnotation`).
   * @default 'grafana_folder' - the key kube-prometheus-stack and the Grafana chart's docs use
   */
  readonly folderAnnotation?: string;
  /**
   * The label the sidecar selects ConfigMaps by (`sidecar.dashboards.label` / `labelValue`).
   * @default { key: 'grafana_dashboard', value: '1' } - the Grafana and kube-prometheus-stack charts' default
   */
  readonly sidecarLabel?: SidecarLabel;
}

/** Grafana's uid limit is 40 characters; a DNS label's alphabet keeps it usable as the ConfigMap name. */
const UID = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** A qualified label or annotation key: optional DNS prefix, then a name of at most 63 characters. */
const KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** The API server refuses a ConfigMap over 1 MiB. */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/**
 * A ConfigMap `grafana-dashboard-<uid>` holding the dashboard as `<uid>.json`, labelled for Grafana's
 * dashboard sidecar, with the folder annotation. The JSON keeps the model's key order with two-space
 * indentation, so the same model always gives byte-identical output and a reviewable diff.
 */
export class GrafanaDashboard extends Construct {
  /** Name of the ConfigMap. */
  public readonly configMapName: string;
  /** The dashboard's uid (its URL in Grafana is `/d/<uid>`). */
  public readonly uid: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const { dashboard } = props;
    const uid = dashboard.uid;
    if (typeof uid !== 'string' || !UID.test(uid)) {
      invalidProp(this, 'dashboard.uid', uid, 'must be 1-40 lowercase letters, digits or "-", starting and ending alphanumeric');
    }
    if (typeof dashboard.title !== 'string' || dashboard.title.trim() === '')
      invalidProp(this, 'dashboard.title', dashboard.title, 'must be a non-empty string');
    const folderAnnotation = props.folderAnnotation ?? 'grafana_folder';
    if (!KEY.test(folderAnnotation)) invalidProp(this, 'folderAnnotation', folderAnnotation, 'must be a valid annotation key');
    if (props.folder !== undefined && props.folder.trim() === '')
      invalidProp(this, 'folder', props.folder, 'must be a non-empty folder name');
    const label = props.sidecarLabel ?? { key: 'grafana_dashboard', value: '1' };
    if (!KEY.test(label.key)) invalidProp(this, 'sidecarLabel.key', label.key, 'must be a valid label key');
    if (!isValidLabelValue(label.value)) invalidProp(this, 'sidecarLabel.value', label.value, 'must be a valid label value');
    const json = `${JSON.stringify(dashboard, null, 2)}\n`;
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_CONFIG_MAP_BYTES)
      invalidProp(this, 'dashboard', `${bytes} bytes`, `must serialise to at most ${MAX_CONFIG_MAP_BYTES} bytes (a ConfigMap's limit)`);

    this.uid = uid;
    this.configMapName = `grafana-dashboard-${uid}`;
    addKubeObject<IConfigMap>(this, 'config-map', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: this.configMapName,
        namespace: props.namespace,
        labels: { ...recommendedLabels(props.identity), [label.key]: label.value },
        ...(props.folder !== undefined ? { annotations: { [folderAnnotation]: props.folder } } : {}),
      },
      data: { [`${uid}.json`]: json },
    });
  }
}
