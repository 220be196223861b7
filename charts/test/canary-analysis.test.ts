/**
 * The canary analyses of dist/prod, evaluated by Prometheus's own engine (`promtool test rules`) on
 * synthetic samples: each query must flag a breaching canary, pass a healthy one, ignore the stable
 * pods' samples, and count a canary without traffic as healthy (not as an empty, erroring result).
 * Each expectation is the AnalysisTemplate's own `successCondition` turned around: `query > bool max`
 * is 1 where Argo Rollouts would count a failed measurement.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { requireOrSkip } from '../../test/support/requirements.js';
import { readDistObjects } from './support/dist.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
type Json = Record<string, any>;

const CANARY = 'canary1';
const STABLE = 'stable1';
/** Fifteen minutes of samples every 30 s; the analysis looks at the last rate window. */
const STEPS = 30;

/** How each service's own metrics look, ok and failing (each service's src/metrics.ts). */
const SERVICES = {
  'todo-api': {
    counter: 'http_requests_total',
    ok: 'status="200"',
    error: 'status="503"',
    ignored: 'status="404"',
    histogram: 'http_request_duration_seconds',
  },
  'chat-gateway': {
    counter: 'chat_gateway_todo_api_request_duration_seconds_count',
    ok: 'outcome="ok"',
    error: 'outcome="unavailable"',
    // The API refusing a user's bad request is the user's doing, not the release's.
    ignored: 'outcome="refused"',
    histogram: 'chat_gateway_reply_duration_seconds',
  },
} as const;

type Service = (typeof SERVICES)[keyof typeof SERVICES];

interface Traffic {
  readonly ok: number;
  readonly error?: number;
  readonly ignored?: number;
  /** Where every request's latency falls: a bucket bound, in seconds. */
  readonly seconds: number;
}

const BUCKETS = [0.05, 0.2, 0.5, 1, '+Inf'] as const;

/** Counters and histogram buckets of one revision's pods, per 30 s step. */
function seriesOf(service: Service, hash: string, traffic: Traffic): { series: string; values: string }[] {
  const pods = `namespace="todo",rollouts_pod_template_hash="${hash}"`;
  const rising = (perStep: number) => `0+${perStep}x${STEPS}`;
  const counters = [
    { series: `${service.counter}{${pods},${service.ok}}`, values: rising(traffic.ok) },
    { series: `${service.counter}{${pods},${service.error}}`, values: rising(traffic.error ?? 0) },
    { series: `${service.counter}{${pods},${service.ignored}}`, values: rising(traffic.ignored ?? 0) },
  ];
  const all = traffic.ok + (traffic.error ?? 0) + (traffic.ignored ?? 0);
  const buckets = BUCKETS.map((le) => ({
    series: `${service.histogram}_bucket{${pods},le="${le}"}`,
    values: rising(le === '+Inf' || le >= traffic.seconds ? all : 0),
  }));
  return [...counters, ...buckets];
}

function analysisOf(objects: Json[], name: string): { metric: string; expr: (hash: string) => string }[] {
  const template = objects.find((o) => o.kind === 'AnalysisTemplate' && o.metadata.name === name);
  expect(template, `AnalysisTemplate ${name}`).to.not.equal(undefined);
  return template!.spec.metrics.map((m: Json) => {
    const max = /^result\[0\] <= ([0-9.]+)$/.exec(m.successCondition)?.[1];
    expect(max, `${name} ${m.name} successCondition`).to.not.equal(undefined);
    return {
      metric: m.name,
      expr: (hash: string) => `(${m.provider.prometheus.query.replaceAll('{{args.canary-hash}}', hash)}) > bool ${max}`,
    };
  });
}

/** Runs one promtool unit test; returns its output when it fails. */
function promtool(test: Json): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'canary-analysis-'));
  try {
    writeFileSync(join(dir, 'test.yaml'), stringify({ rule_files: [], evaluation_interval: '1m', tests: [test] }));
    const run = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
    return run.status === 0 ? undefined : `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dist/prod canary analyses, evaluated by promtool', () => {
  before(function () {
    const found = spawnSync('promtool', ['--version']).status === 0;
    requireOrSkip(this, found, { needs: 'promtool', howTo: 'apt-get install prometheus', requiredBy: 'REQUIRE_PROMETHEUS' });
  });

  const objects = readDistObjects('prod') as Json[];
  const scenarios: { title: string; canary?: Traffic; stable: Traffic; breaches: Record<string, 0 | 1> }[] = [
    {
      title: 'a healthy canary passes, however badly the stable pods do',
      canary: { ok: 100, ignored: 50, seconds: 0.05 },
      stable: { ok: 10, error: 90, seconds: 1 },
      breaches: { 'error-ratio': 0, 'latency-p95': 0 },
    },
    {
      title: 'a canary failing 5 % of its calls breaches the error ratio',
      canary: { ok: 95, error: 5, seconds: 0.05 },
      stable: { ok: 100, seconds: 0.05 },
      breaches: { 'error-ratio': 1, 'latency-p95': 0 },
    },
    {
      title: 'a slow canary breaches the latency objective',
      canary: { ok: 100, seconds: 1 },
      stable: { ok: 100, seconds: 0.05 },
      breaches: { 'error-ratio': 0, 'latency-p95': 1 },
    },
    {
      title: 'a canary without traffic counts as healthy',
      canary: { ok: 0, seconds: 0.05 },
      stable: { ok: 100, error: 50, seconds: 1 },
      breaches: { 'error-ratio': 0, 'latency-p95': 0 },
    },
    {
      title: 'a canary without any samples yet counts as healthy',
      stable: { ok: 100, error: 50, seconds: 1 },
      breaches: { 'error-ratio': 0, 'latency-p95': 0 },
    },
  ];

  for (const [name, service] of Object.entries(SERVICES)) {
    for (const scenario of scenarios) {
      it(`${name}: ${scenario.title}`, () => {
        const analysis = analysisOf(objects, name);
        expect(analysis.map((a) => a.metric)).to.deep.equal(Object.keys(scenario.breaches));
        const failure = promtool({
          interval: '30s',
          input_series: [
            ...(scenario.canary ? seriesOf(service, CANARY, scenario.canary) : []),
            ...seriesOf(service, STABLE, scenario.stable),
          ],
          promql_expr_test: analysis.map((a) => ({
            expr: a.expr(CANARY),
            eval_time: '14m',
            exp_samples: [{ labels: '{}', value: scenario.breaches[a.metric] }],
          })),
        });
        expect(failure, failure).to.equal(undefined);
      });
    }
  }
});
