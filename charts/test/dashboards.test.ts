/**
 * The platform's Grafana dashboards: deterministic SDK models, emitted where the metrics are scraped,
 * every query valid PromQL for Prometheus' own parser (promtool), and every metric a panel reads
 * exported by the real service it names (a running todo-api and chat-gateway, scraped).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import { ChatCompletionsServer, status } from '../../services/chat-gateway/test/chat-completions-server.js';
import {
  ChatClient,
  register,
  sharedApi,
  startGateway,
  upgradeStatus,
  type ApiStack,
  type Stack,
} from '../../services/chat-gateway/test/helpers.js';
import { PROMETHEUS, requireOrSkip } from '../../test/support/requirements.js';
import { ENVIRONMENTS } from '../config.js';
import { dashboardFolder, platformDashboards, type DashboardScope } from '../dashboards/index.js';
import { TODO_SERVICES } from '../services.js';
import { SYNC_WAVE_ANNOTATION, SyncWave } from '../sync-waves.js';
import { readDistObjects } from './support/dist.js';
import { asPrometheusQuery, panelQueries, sampleNames, selectorsOf } from './support/promql.js';

const PROD: DashboardScope = { env: 'prod', namespace: 'todo' };
const SCRAPED = TODO_SERVICES.filter((service) => service.metrics);
const build = (scope: DashboardScope = PROD) => platformDashboards(scope, SCRAPED);
const queries = build().flatMap(({ dashboard }) => panelQueries(dashboard));

interface PanelJson {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly gridPos?: { readonly x: number; readonly w: number };
  readonly targets?: readonly { readonly refId?: string; readonly expr?: string; readonly datasource?: { readonly uid?: string } }[];
}

describe('platform dashboards', () => {
  describe('the models (Grafana Foundation SDK)', () => {
    it('are the overview and one per scraped service, with uids and titles of their environment', () => {
      expect(build().map(({ dashboard }) => [dashboard.uid, dashboard.title])).to.deep.equal([
        ['prod-platform-overview', 'Todo platform overview (prod)'],
        ['prod-todo-api', 'todo-api (prod)'],
        ['prod-chat-gateway', 'chat-gateway (prod)'],
      ]);
    });

    it('follow the service list: without the gateway, neither its dashboard nor its overview panels', () => {
      const apiOnly = platformDashboards(
        PROD,
        SCRAPED.filter((s) => s.name === 'todo-api'),
      );
      expect(apiOnly.map(({ dashboard }) => dashboard.uid)).to.deep.equal(['prod-platform-overview', 'prod-todo-api']);
      const overview = panelQueries(apiOnly[0]!.dashboard);
      expect(overview.map((q) => q.panel)).to.include('todo-api availability: error budget left');
      expect(overview.filter((q) => q.expr.includes('chat-gateway'))).to.deep.equal([]);
    });

    it('are deterministic: two builds serialise to the same bytes', () => {
      expect(JSON.stringify(build())).to.equal(JSON.stringify(build()));
    });

    it('every panel has a unique id and fits in 24 columns; every query has its refId and the picked Prometheus', () => {
      for (const { dashboard } of build()) {
        const panels = (dashboard.panels ?? []) as PanelJson[];
        const ids = panels.map((panel) => panel.id);
        expect(new Set(ids).size, `${dashboard.uid}: panel ids ${ids.join(',')}`).to.equal(panels.length);
        for (const panel of panels) {
          expect(panel.gridPos!.x + panel.gridPos!.w, `${dashboard.uid}/${panel.title}`).to.be.at.most(24);
          if (panel.type === 'row') continue;
          expect(panel.datasource, `${dashboard.uid}/${panel.title}`).to.deep.equal({ type: 'prometheus', uid: '${datasource}' });
          expect(panel.targets!.map((t) => t.refId)).to.deep.equal(panel.targets!.map((_, i) => String.fromCharCode(65 + i)));
          expect(panel.targets!.every((t) => t.datasource?.uid === '${datasource}' && t.expr)).to.equal(true);
        }
      }
    });

    it('every selector reads one service of the environment: its scrape job and namespace', () => {
      expect(queries).to.have.length.above(30);
      for (const query of queries) {
        for (const selector of selectorsOf(query.expr)) {
          expect(selector.labels, `${query.dashboard}/${query.panel}: ${query.expr}`).to.deep.include({ namespace: 'todo' });
          expect(
            SCRAPED.map((s) => s.name),
            `${query.dashboard}/${query.panel}: ${query.expr}`,
          ).to.include(selector.labels.job);
        }
      }
    });

    it('computes the error budgets from the raw counters: 99.9 % of user requests over 30 days, 95 % of replies within 250 ms', () => {
      const budget = (panel: string) => queries.find((q) => q.panel === panel)!.expr;
      const api = 'job="todo-api",namespace="todo",route!~"/livez|/readyz|/metrics"';
      expect(budget('todo-api availability: error budget left')).to.equal(
        `1 - ((sum(increase(http_requests_total{${api},status=~"5.."}[30d])) or vector(0)) / sum(increase(http_requests_total{${api}}[30d]))) / (1 - 0.999)`,
      );
      const gateway = 'job="chat-gateway",namespace="todo"';
      expect(budget('chat-gateway latency: error budget left')).to.equal(
        `1 - (((sum(increase(chat_gateway_reply_duration_seconds_count{${gateway}}[30d])) - ` +
          `sum(increase(chat_gateway_reply_duration_seconds_bucket{${gateway},le="0.25"}[30d]))) or vector(0)) / ` +
          `sum(increase(chat_gateway_reply_duration_seconds_count{${gateway}}[30d]))) / (1 - 0.95)`,
      );
    });
  });

  describe('in dist/', () => {
    for (const env of ENVIRONMENTS) {
      const scraped = env.observability.serviceMonitors;
      it(`${env.name}: ${scraped ? 'every dashboard as a sidecar ConfigMap in its folder, with the configuration' : 'none: nothing scrapes its metrics'}`, () => {
        const configMaps = readDistObjects(env.name).filter(
          (o) => o.kind === 'ConfigMap' && (o.metadata.labels as Record<string, string>)?.grafana_dashboard === '1',
        );
        const scope = { env: env.name, namespace: env.namespace };
        const expected = scraped
          ? platformDashboards(
              scope,
              env.services.filter((s) => s.metrics),
            )
          : [];
        expect(configMaps.map((o) => o.metadata.name)).to.have.members(
          expected.map(({ dashboard }) => `grafana-dashboard-${dashboard.uid}`),
        );
        for (const { dashboard } of expected) {
          const configMap = configMaps.find((o) => o.metadata.name === `grafana-dashboard-${dashboard.uid}`)! as unknown as {
            metadata: { namespace: string; annotations: Record<string, string> };
            data: Record<string, string>;
          };
          expect(configMap.metadata.namespace).to.equal(env.namespace);
          expect(configMap.metadata.annotations).to.include({
            grafana_folder: dashboardFolder(scope),
            [SYNC_WAVE_ANNOTATION]: String(SyncWave.CONFIG),
          });
          expect(JSON.parse(configMap.data[`${dashboard.uid}.json`]!)).to.deep.equal(JSON.parse(JSON.stringify(dashboard)));
        }
      });
    }
  });

  describe('every query is PromQL Prometheus accepts', function () {
    const promtool = (rules: readonly string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'dashboard-rules-'));
      try {
        const file = join(dir, 'rules.yaml');
        const groups = [{ name: 'dashboard-queries', rules: rules.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }];
        writeFileSync(file, stringify({ groups }));
        return spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    before(function () {
      requireOrSkip(this, spawnSync('promtool', ['--version']).status === 0, PROMETHEUS);
    });

    it('promtool check rules accepts every panel query as a recording rule (Grafana macros as 5m)', () => {
      const result = promtool(queries.map((q) => asPrometheusQuery(q.expr)));
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include(`SUCCESS: ${queries.length} rules found`);
    });

    it('and refuses a broken one (the check can fail)', () => {
      const result = promtool(['sum(rate(http_requests_total[5m])']);
      expect(result.status).to.not.equal(0);
      expect(result.stdout + result.stderr).to.match(/unclosed left parenthesis|parse error/);
    });
  });

  describe('every metric a panel reads is exported by the running service', function () {
    this.timeout(120_000);
    let api: ApiStack;
    let stack: Stack;
    let model: ChatCompletionsServer;
    const scraped = new Map<string, Set<string>>();
    const expositions = new Map<string, string>();

    before(async () => {
      // The API the gateway suites share, when they run in the same process (it stops after the run).
      api = await sharedApi();
      // A model endpoint that fails: the gateway falls back to its rules, so both engines' metrics appear.
      model = await ChatCompletionsServer.start();
      model.answer(status(500));
      stack = await startGateway(api, { llmBaseUrl: model.baseUrl, llmModel: 'test-model', llmTimeoutMs: 500 });
      // A little of everything the panels show: replies and API calls, a refused upgrade, a bad
      // message, and a flood the gateway cuts off.
      const { token } = await register(api.api.url);
      const client = await ChatClient.open(stack.gateway, token);
      await client.say('add buy milk tomorrow');
      await client.say('show my tasks');
      client.ws.send('not json');
      await client.next((m) => m.type === 'error');
      expect(await upgradeStatus(stack.gateway, ['todo-chat.v1'])).to.equal(401);
      const flooder = await ChatClient.open(stack.gateway, token);
      for (let i = 0; i < 200 && flooder.ws.readyState === WebSocket.OPEN; i++)
        flooder.ws.send(JSON.stringify({ type: 'say', id: `f${i}`, text: 'help' }));
      expect((await flooder.closed).code).to.equal(1008);
      await fetch(`${api.api.url}/api/tasks`);
      expositions.set('todo-api', await (await fetch(`${api.api.url}/metrics`)).text());
      expositions.set('chat-gateway', await (await fetch(`${stack.gateway.url}/metrics`)).text());
      for (const [job, text] of expositions) scraped.set(job, sampleNames(text));
      client.close();
    });

    after(async () => {
      await stack?.stop();
      await model?.close();
    });

    for (const { dashboard } of build()) {
      it(`${dashboard.title}: every metric its panels query`, () => {
        const missing = panelQueries(dashboard).flatMap((query) =>
          selectorsOf(query.expr)
            .filter((selector) => !scraped.get(selector.labels.job!)?.has(selector.metric))
            .map((selector) => `${query.panel}: ${selector.metric} (job ${selector.labels.job})`),
        );
        expect(missing).to.deep.equal([]);
      });
    }

    it('every histogram bound a query names (`le`) is a bucket the service has', () => {
      const bounds = queries.flatMap((query) => selectorsOf(query.expr).filter((selector) => selector.labels.le !== undefined));
      expect(bounds, 'the chat-gateway latency objective reads one bound').to.not.deep.equal([]);
      for (const { metric, labels } of bounds) {
        const lines = expositions
          .get(labels.job!)!
          .split('\n')
          .filter((line) => line.startsWith(`${metric}{`));
        expect(
          lines.some((line) => line.includes(`le="${labels.le}"`)),
          `${metric} le="${labels.le}"`,
        ).to.equal(true);
      }
    });

    it('(the check can fail: a name the service does not export is missing)', () => {
      expect(scraped.get('todo-api')!.has('http_requests_total')).to.equal(true);
      expect(scraped.get('todo-api')!.has('http_request_duration_seconds')).to.equal(false);
      expect(scraped.get('chat-gateway')!.has('http_requests_total')).to.equal(false);
    });
  });
});
