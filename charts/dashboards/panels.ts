/**
 * The pieces every dashboard of the platform is made of, on the Grafana Foundation SDK's builders:
 * a dashboard with a Prometheus datasource picker, rows of panels with stable ids, and PromQL
 * queries bound to the picked datasource.
 */
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  type Panel,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  LegendDisplayMode,
  LegendPlacement,
  VizLegendOptionsBuilder,
  BigValueGraphMode,
  ReduceDataOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Every query goes to the Prometheus the viewer picks (variable `datasource`), never a hard-coded uid. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** One PromQL query of a panel and its legend (`{{label}}` templates). */
export interface Query {
  readonly expr: string;
  readonly legend: string;
}

/** What every panel of the platform states: a title, what it shows, and the unit of its values. */
export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  /** A Grafana unit id: `reqps`, `s`, `bytes`, `percentunit`, `short`, ... */
  readonly unit: string;
  readonly queries: readonly Query[];
  /**
   * Width in Grafana's 24 columns and height in grid rows.
   * @default the SDK's 12 x 9: two panels a line
   */
  readonly size?: { readonly span: number; readonly height: number };
}

function sized<T extends { span(w: number): T; height(h: number): T }>(panel: T, spec: PanelSpec): T {
  return spec.size ? panel.span(spec.size.span).height(spec.size.height) : panel;
}

/** A panel ready to be placed; `id` is given by `DashboardLayout` so ids are stable across builds. */
export type PanelDraft = (id: number) => Builder<Panel>;

/** The Prometheus targets of a panel, with refIds A, B, ... in order. */
function targets(queries: readonly Query[]): DataqueryBuilder[] {
  return queries.map((query, i) =>
    new DataqueryBuilder()
      .refId(String.fromCharCode(65 + i))
      .datasource(DATASOURCE)
      .expr(query.expr)
      .legendFormat(query.legend)
      .range(),
  );
}

/** A time series of one or more queries, legend as a table with mean and max. */
export function timeSeries(spec: PanelSpec & { readonly min?: number; readonly max?: number }): PanelDraft {
  return (id) => {
    const panel = new timeseries.PanelBuilder()
      .id(id)
      .title(spec.title)
      .description(spec.description)
      .datasource(DATASOURCE)
      .unit(spec.unit)
      .targets(targets(spec.queries))
      .fillOpacity(10)
      .legend(
        new VizLegendOptionsBuilder()
          .showLegend(true)
          .displayMode(LegendDisplayMode.Table)
          .placement(LegendPlacement.Bottom)
          .calcs(['mean', 'max']),
      );
    if (spec.min !== undefined) panel.min(spec.min);
    if (spec.max !== undefined) panel.max(spec.max);
    return sized(panel, spec);
  };
}

/** One number (the last value), coloured by thresholds: red below the first step's value, and so on. */
export function singleStat(
  spec: PanelSpec & { readonly steps: readonly { readonly value: number | null; readonly color: string }[] },
): PanelDraft {
  return (id) =>
    sized(new stat.PanelBuilder(), spec)
      .id(id)
      .title(spec.title)
      .description(spec.description)
      .datasource(DATASOURCE)
      .unit(spec.unit)
      .targets(targets(spec.queries))
      .graphMode(BigValueGraphMode.None)
      .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
      .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(spec.steps.map((step) => ({ ...step }))));
}

/** A titled row of panels, laid out left to right, wrapping at Grafana's 24 columns. */
export interface PanelRow {
  readonly title: string;
  readonly panels: readonly PanelDraft[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly rows: readonly PanelRow[];
}

/**
 * A dashboard of rows: read-only (the ConfigMap is its source; edits in Grafana would be lost on the
 * next sync), last 6 hours, refreshed every 30 s, crosshair shared between panels, in UTC like the logs.
 */
export function buildDashboard(spec: DashboardSpec): DashboardBuilder {
  const dashboard = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .readonly()
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('utc')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  let id = 0;
  for (const row of spec.rows) {
    dashboard.withRow(new RowBuilder(row.title).id(++id));
    for (const panel of row.panels) dashboard.withPanel(panel(++id));
  }
  return dashboard;
}
