/**
 * A real Prometheus scrapes a running todo-api and chat-gateway and evaluates the SLO recording rules
 * of dist/prod: every recording rule must yield a series, so a rule naming a metric, label or bucket
 * the services do not export fails here.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { ChatClient, register, sharedApi, startGateway, type ApiStack, type Stack } from '../../services/chat-gateway/test/helpers.js';
import { PROMETHEUS, requireOrSkip } from '../support/requirements.js';
import { distPrometheusRules } from './rules.js';

/** The namespace of dist/prod, which the recording rules select on; the scrape configs add it as a target label. */
const NAMESPACE = 'todo';

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

describe('SLO recording rules on a real Prometheus scraping the services', function () {
  this.timeout(60_000);
  const rules = distPrometheusRules().filter((r) => r.file.startsWith('dist/prod/'));
  const recordings = rules.flatMap((r) => r.groups.flatMap((g) => g.rules.filter((rule) => rule.record)));
  let dir: string;
  let api: ApiStack;
  let gateway: Stack;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let traffic: NodeJS.Timeout | undefined;
  let chat: ChatClient | undefined;
  let log = '';

  async function query(expr: string): Promise<Series[]> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; data: { result: Series[] }; error?: string };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  }

  before(async function () {
    requireOrSkip(this, spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0, PROMETHEUS);
    dir = mkdtempSync(join(tmpdir(), 'prometheus-slo-'));
    // The API the gateway suites share (PGlite's start is most of its cost); their root hook stops it.
    api = await sharedApi();
    gateway = await startGateway(api);

    // Real traffic on what the SLIs count: API calls (200 and 401) and chat replies.
    const { token } = await register(api.api.url);
    chat = await ChatClient.open(gateway.gateway, token);
    let busy = false;
    traffic = setInterval(() => {
      if (busy) return;
      busy = true;
      void Promise.all([
        fetch(`${api.api.url}/api/tasks`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer()),
        fetch(`${api.api.url}/api/tasks`).then((r) => r.arrayBuffer()),
        chat!.say('show my tasks'),
      ])
        // A lost request only thins the traffic; the last test fails if there was none.
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    }, 100);

    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rules.flatMap((r) => r.groups) }));
    const scrape = (job: string, url: string) => ({
      job_name: job,
      static_configs: [{ targets: [new URL(url).host], labels: { namespace: NAMESPACE } }],
    });
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        // Seconds, not the production 30s/1m: the recording rules have data after two scrapes.
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: ['rules.yaml'],
        scrape_configs: [scrape('todo-api', api.api.url), scrape('chat-gateway', gateway.gateway.url)],
      }),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk) => {
      log += chunk;
    });
    prometheus.stderr!.on('data', (chunk) => {
      log += chunk;
    });
    for (let i = 0; ; i++) {
      if (prometheus.exitCode !== null) throw new Error(`prometheus exited ${prometheus.exitCode}: ${log}`);
      if (
        await fetch(`${prometheusUrl}/-/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 100) throw new Error(`prometheus not ready within 10 s: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    if (traffic) clearInterval(traffic);
    chat?.close();
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await new Promise((resolve) => prometheus!.once('exit', resolve));
    }
    await gateway?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes both services', async () => {
    for (let i = 0; i < 100; i++) {
      const up = await query(`up{namespace="${NAMESPACE}"} == 1`);
      if (up.length === 2) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await query(`up{namespace="${NAMESPACE}"}`)).map((s) => `${s.metric.job}=${s.value[1]}`)).to.have.members([
      'todo-api=1',
      'chat-gateway=1',
    ]);
  });

  it('every recording rule of dist/prod yields a series', async () => {
    expect(recordings.length).to.be.greaterThan(20);
    const pending = new Set(recordings.map((rule) => `${rule.record}{slo="${rule.labels!.slo}"}`));
    const deadline = Date.now() + 20_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const selector of [...pending]) if ((await query(selector)).length > 0) pending.delete(selector);
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect([...pending], 'recording rules without a series').to.deep.equal([]);
  });

  it('records what the traffic did: no 5xx, and a slow share between 0 and 1 for both latency SLOs', async () => {
    const value = async (expr: string) => Number((await query(expr))[0]?.value[1]);
    // A ratio is NaN until the window holds two scrapes with traffic between them.
    const measured = ['todo-api-availability', 'todo-api-latency', 'chat-gateway-latency'].map(
      (slo) => `slo:sli_error:ratio_rate5m{slo="${slo}"}`,
    );
    for (let i = 0; i < 40; i++) {
      if ((await Promise.all(measured.map(value))).every(Number.isFinite)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await value('slo:sli_error:ratio_rate5m{slo="todo-api-availability"}')).to.equal(0);
    for (const slo of ['todo-api-latency', 'chat-gateway-latency']) {
      const slow = await value(`slo:sli_error:ratio_rate5m{slo="${slo}"}`);
      expect(slow, slo).to.be.at.least(0).and.at.most(1);
    }
    expect(await value('slo:error_budget:ratio{slo="todo-api-availability"}')).to.equal(0.001);
  });
});
