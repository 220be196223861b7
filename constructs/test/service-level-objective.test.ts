/** ServiceLevelObjective: the SRE workbook's recording rules and multi-window, multi-burn-rate alerts. */
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { ServiceLevelObjective, type ServiceLevelObjectiveProps } from '../service-level-objective.js';
import { environment, hardeningViolations } from './support/policy.js';
import { only, type Manifest } from './support/snapshot.js';

const RUNBOOKS = 'https://github.com/example-org/todo-platform/blob/main/docs/runbooks';
const PROPS: ServiceLevelObjectiveProps = {
  identity: { name: 'todo-api', version: '1.4.2', component: 'api', partOf: 'todo' },
  namespace: 'todo',
  runbookBaseUrl: RUNBOOKS,
  availability: { objectivePercent: 99.9 },
  latency: { objectivePercent: 95, thresholdSeconds: 0.2 },
  eventMatchers: 'route!~"/livez|/readyz|/metrics"',
};

function rulesOf(props: Partial<ServiceLevelObjectiveProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new ServiceLevelObjective(chart, 'slo', { ...PROPS, ...props });
  const rule = only(Testing.synth(chart) as Manifest[], 'PrometheusRule');
  return rule.spec.groups.flatMap((group: Manifest) => group.rules);
}
const record = (rules: Manifest[], name: string, slo: string) => rules.find((r) => r.record === name && r.labels.slo === slo)!;
const alerts = (rules: Manifest[], name: string) => rules.filter((r) => r.alert === name);

describe('ServiceLevelObjective', () => {
  const rules = rulesOf();

  it('records the error ratio over every window of the burn-rate table, the period, and the budget left, per indicator', () => {
    for (const slo of ['todo-api-availability', 'todo-api-latency']) {
      const recorded = rules.filter((r) => r.record && r.labels.slo === slo).map((r) => r.record);
      expect(recorded).to.deep.equal([
        ...['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`),
        'slo:objective:ratio',
        'slo:error_budget:ratio',
        'slo:period_error_budget_remaining:ratio',
      ]);
      expect(record(rules, 'slo:sli_error:ratio_rate5m', slo).labels).to.deep.equal({ slo, service: 'todo-api', namespace: 'todo' });
    }
  });

  it("counts 5xx among the service's user requests (probes and scrapes left out), zero errors as 0, an idle window as nothing", () => {
    expect(record(rules, 'slo:sli_error:ratio_rate1h', 'todo-api-availability').expr).to.equal(
      '(sum(rate(http_requests_total{job="todo-api",namespace="todo",route!~"/livez|/readyz|/metrics",status=~"5.."}[1h])) or vector(0))' +
        ' / (sum(rate(http_requests_total{job="todo-api",namespace="todo",route!~"/livez|/readyz|/metrics"}[1h])) > 0)',
    );
  });

  it("counts requests slower than the threshold as the latency indicator's bad events, from the histogram bucket", () => {
    expect(record(rules, 'slo:sli_error:ratio_rate5m', 'todo-api-latency').expr).to.equal(
      '1 - sum(rate(http_request_duration_seconds_bucket{job="todo-api",namespace="todo",route!~"/livez|/readyz|/metrics",le="0.2"}[5m]))' +
        ' / (sum(rate(http_request_duration_seconds_count{job="todo-api",namespace="todo",route!~"/livez|/readyz|/metrics"}[5m])) > 0)',
    );
    expect(record(rules, 'slo:error_budget:ratio', 'todo-api-latency').expr).to.equal('vector(0.05)');
    expect(record(rules, 'slo:objective:ratio', 'todo-api-availability').expr).to.equal('vector(0.999)');
  });

  it('accepts both spellings of a whole-second bucket bound (prom-client "1", Prometheus 3 "1.0")', () => {
    const expr = record(
      rulesOf({ latency: { objectivePercent: 99, thresholdSeconds: 1 } }),
      'slo:sli_error:ratio_rate5m',
      'todo-api-latency',
    ).expr;
    expect(expr).to.include('le=~"1|1.0"');
  });

  it('pages at 14.4× (5m and 1h) or 6× (30m and 6h) the budget, tickets at 3× (2h and 1d) or 1× (6h and 3d), over 30 days', () => {
    const [page, ticket] = alerts(rules, 'AvailabilityBudgetBurn');
    const sel = '{slo="todo-api-availability",namespace="todo"}';
    expect(page!.labels).to.deep.equal({ severity: 'page', slo: 'todo-api-availability' });
    expect(page!.expr).to.equal(
      `(slo:sli_error:ratio_rate5m${sel} > (14.4 * 0.001) and slo:sli_error:ratio_rate1h${sel} > (14.4 * 0.001))` +
        ` or (slo:sli_error:ratio_rate30m${sel} > (6 * 0.001) and slo:sli_error:ratio_rate6h${sel} > (6 * 0.001))`,
    );
    expect(ticket!.labels).to.deep.equal({ severity: 'ticket', slo: 'todo-api-availability' });
    expect(ticket!.expr).to.equal(
      `(slo:sli_error:ratio_rate2h${sel} > (3 * 0.001) and slo:sli_error:ratio_rate1d${sel} > (3 * 0.001))` +
        ` or (slo:sli_error:ratio_rate6h${sel} > (1 * 0.001) and slo:sli_error:ratio_rate3d${sel} > (1 * 0.001))`,
    );
  });

  it('scales the burn rates with the period (28 days: 13.44, 5.6, 2.8, 0.9333)', () => {
    const [page, ticket] = alerts(rulesOf({ period: '28d' }), 'LatencyBudgetBurn');
    expect(page!.expr).to.include('> (13.44 * 0.05)').and.include('> (5.6 * 0.05)');
    expect(ticket!.expr).to.include('> (2.8 * 0.05)').and.include('> (0.9333333333 * 0.05)');
  });

  it('gives every alert a summary, a description and the runbook of its name', () => {
    const all = rules.filter((r) => r.alert);
    expect(all.map((r) => r.alert)).to.deep.equal([
      'AvailabilityBudgetBurn',
      'AvailabilityBudgetBurn',
      'LatencyBudgetBurn',
      'LatencyBudgetBurn',
    ]);
    for (const rule of all) {
      expect(rule.annotations.summary).to.be.a('string').and.have.length.above(0);
      expect(rule.annotations.description).to.include('over 30d');
      expect(rule.annotations.runbook_url).to.equal(
        `${RUNBOOKS}/${rule.alert === 'AvailabilityBudgetBurn' ? 'availability' : 'latency'}-budget-burn.md`,
      );
    }
  });

  it('makes only the indicators asked for', () => {
    const only = rulesOf({ availability: undefined });
    expect(only.some((r) => r.labels?.slo === 'todo-api-availability')).to.equal(false);
    expect(alerts(only, 'LatencyBudgetBurn')).to.have.length(2);
  });

  it('passes the hardening policy and the PrometheusRule schema with no waiver', async () => {
    expect(await hardeningViolations(environment((chart) => new ServiceLevelObjective(chart, 'slo', PROPS)))).to.deep.equal([]);
  });

  for (const [override, message] of [
    [{ availability: { objectivePercent: 100 } }, 'invalid availability.objectivePercent 100: must be a percentage between 0 and 100'],
    [
      { availability: { objectivePercent: 90 } },
      'invalid availability.objectivePercent 90: leaves a budget of 10 %, which burning 14.4× would exceed 100 %',
    ],
    [
      { latency: { objectivePercent: 95, thresholdSeconds: 0 } },
      'invalid latency.thresholdSeconds 0: must be a positive number of seconds',
    ],
    [
      { latency: { objectivePercent: 95, thresholdSeconds: 0.2, histogram: 'http-duration' } },
      'invalid latency.histogram "http-duration": must be a Prometheus metric name',
    ],
    [
      { availability: { objectivePercent: 99.9, errorMatchers: 'status=5xx' } },
      'invalid availability.errorMatchers "status=5xx": must be label matchers',
    ],
    [{ eventMatchers: 'route!="/livez"}' }, 'invalid eventMatchers "route!=\\"/livez\\"}": must be label matchers'],
    [{ period: '30m' }, 'invalid period "30m": must be whole days from "7d" to "365d"'],
    [{ period: 'a month' }, 'invalid period "a month": must be a Prometheus duration with one unit'],
    [{ runbookBaseUrl: 'http://example.org/runbooks' }, 'invalid runbookBaseUrl "http://example.org/runbooks": must be an https URL'],
    [{ availability: undefined, latency: undefined }, 'invalid availability undefined: give availability, latency or both'],
  ] as const) {
    it(`refuses ${JSON.stringify(override)}, naming the construct and the value`, () => {
      expect(() => rulesOf(override as Partial<ServiceLevelObjectiveProps>)).to.throw(`test/slo: ${message}`);
    });
  }
});
