/** `make flows` over the committed dist/: the report a security reviewer reads first. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ENVIRONMENTS } from '../config.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

describe('make flows', function () {
  this.timeout(60_000);
  let report = '';
  before(async () => {
    report = (await run('make', ['--no-print-directory', 'flows'], { cwd: ROOT })).stdout;
  });

  /** The report's rows of one environment, spaces collapsed. */
  const rowsOf = (env: string) =>
    report
      .split(/^== /m)
      .find((section) => section.startsWith(`${env}:`))!
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((row) => row.replace(/ +/g, ' '));

  it('prints a section per environment folder of dist/', () => {
    expect(report.match(/^== (\w+):/gm)).to.deep.equal(ENVIRONMENTS.map((env) => `== ${env.name}:`).sort());
  });

  it('shows prod: the ingress controller to the three services, the database to its peers, and every egress out of the cluster', () => {
    const prod = rowsOf('prod');
    expect(prod).to.include.members([
      'ingress-nginx/ingress-nginx frontend 8080/TCP',
      'ingress-nginx/ingress-nginx todo-api 8080/TCP',
      'ingress-nginx/ingress-nginx chat-gateway 8081/TCP',
      'chat-gateway todo-api 8080/TCP',
      'todo-api todo-db 5432/TCP',
      'cnpg-system/cloudnative-pg todo-db 5432/TCP, 8000/TCP',
      'todo-db 10.20.0.0/28 443/TCP, 6443/TCP',
      'todo-db 10.20.8.0/24 443/TCP',
    ]);
    const outOfCluster = prod.filter((row) => /^\S+ (\d+\.\d+\.\d+\.\d+\/\d+|internet) /.test(row));
    expect(outOfCluster, 'only the database leaves the cluster, only to its two ranges').to.have.length(2);
  });

  it('shows dev: no connection leaves the cluster', () => {
    expect(rowsOf('dev').filter((row) => /\/\d+ |internet/.test(row))).to.deep.equal([]);
  });
});
