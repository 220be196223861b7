/**
 * The PromQL of dashboards, read with Prometheus' own grammar (@prometheus-io/lezer-promql, the
 * parser of the Prometheus UI): the queries of every panel, and the metric each selector reads.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's macros a query may use, and the duration that stands in for each outside Grafana. */
export const GRAFANA_MACROS: Readonly<Record<string, string>> = { $__rate_interval: '5m' };

/** A query as Prometheus itself receives it: Grafana's macros replaced by a duration. */
export function asPrometheusQuery(expr: string): string {
  let query = expr;
  for (const [macro, duration] of Object.entries(GRAFANA_MACROS)) query = query.split(macro).join(duration);
  if (query.includes('$')) throw new Error(`query uses a Grafana variable this check does not know: ${expr}`);
  return query;
}

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly expr: string;
}

interface PanelJson {
  readonly title?: string;
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly PanelJson[];
}

/** Every query of every panel (collapsed rows' panels included) of a dashboard model. */
export function panelQueries(dashboard: { readonly title?: string; readonly panels?: readonly unknown[] }): PanelQuery[] {
  const walk = (panels: readonly PanelJson[]): PanelQuery[] =>
    panels.flatMap((panel) => [
      ...(panel.targets ?? []).map((target) => ({ dashboard: dashboard.title ?? '?', panel: panel.title ?? '?', expr: target.expr ?? '' })),
      ...walk(panel.panels ?? []),
    ]);
  return walk((dashboard.panels ?? []) as PanelJson[]);
}

/** One vector selector of a query: the metric it reads and its label matchers (`job` among them). */
export interface Selector {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
}

const unquote = (literal: string): string => JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1)}"` : literal) as string;

/**
 * The selectors of a query (Grafana macros replaced first). Throws on a syntax error, naming where,
 * and on a selector without a metric name (`{__name__=~...}`), which no check could follow.
 */
export function selectorsOf(expr: string): Selector[] {
  const query = asPrometheusQuery(expr);
  const tree = parser.parse(query);
  const selectors: Selector[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from} in: ${query}`);
      if (node.name !== 'VectorSelector') return;
      const name = node.node.getChild('Identifier');
      if (!name) throw new Error(`a selector without a metric name in: ${query}`);
      const labels: Record<string, string> = {};
      for (const matcher of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const text = (child: { from: number; to: number } | null) => (child ? query.slice(child.from, child.to) : '');
        if (text(matcher.getChild('MatchOp')) === '=')
          labels[text(matcher.getChild('LabelName'))] = unquote(text(matcher.getChild('StringLiteral')));
      }
      selectors.push({ metric: query.slice(name.from, name.to), labels });
    },
  });
  return selectors;
}

/** The names of the samples in a Prometheus text exposition (what a scrape stores), not the declared families. */
export function sampleNames(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]),
  );
}
