/**
 * The third database option, an external PostgreSQL given by an existing Secret: not used by a
 * committed environment, so it is proven here by synthesizing prod with it.
 */
import { expect } from 'chai';
import { isAllowed, namespacesOf } from '@todo-platform/hardened-constructs';
import { ENVIRONMENTS, type EnvironmentConfig } from '../config.js';
import { buildPlatform } from '../synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
type Json = Record<string, any>;

describe('charts: external database option', function () {
  this.timeout(60_000);
  const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;
  const external: EnvironmentConfig = { ...prod, database: { kind: 'external', cidr: '10.40.0.12/32', port: 5432 } };
  let objects: Json[];

  before(async () => {
    objects = [...(await buildPlatform({ environments: [external] })).folders.get('prod')!] as Json[];
  });

  it('runs no database in the cluster', () => {
    expect(objects.filter((o) => ['Cluster', 'StatefulSet', 'ScheduledBackup', 'CronJob'].includes(o['kind']))).to.deep.equal([]);
  });

  it('materializes the connection string Secret from the store and mounts it as a file', () => {
    const secret = objects.find((o) => o['kind'] === 'ExternalSecret' && o['metadata'].name === 'todo-db-app')!;
    expect(secret['spec'].data).to.deep.equal([{ secretKey: 'uri', remoteRef: { key: 'todo/prod/database-url' } }]);
    const api = objects.find((o) => ['Deployment', 'Rollout'].includes(o['kind']) && o['metadata'].name === 'todo-api')!;
    const env = api['spec'].template.spec.containers[0].env as Json[];
    expect(env.find((e) => e['name'] === 'DATABASE_URL_FILE')).to.deep.equal({
      name: 'DATABASE_URL_FILE',
      value: '/var/run/secrets/todo/database/uri',
    });
  });

  it('lets only the todo-api reach the database address, on its port', () => {
    const namespaces = { ...namespacesOf(objects), 'kube-system': {} };
    const pod = (name: string) => ({ namespace: 'todo', labels: { 'app.kubernetes.io/name': name } });
    const database = { ip: '10.40.0.12' };
    expect(isAllowed(objects, namespaces, pod('todo-api'), database, 5432)).to.equal(true);
    expect(isAllowed(objects, namespaces, pod('todo-api'), database, 22)).to.equal(false);
    expect(isAllowed(objects, namespaces, pod('todo-api'), { ip: '10.40.0.13' }, 5432)).to.equal(false);
    expect(isAllowed(objects, namespaces, pod('chat-gateway'), database, 5432)).to.equal(false);
    expect(isAllowed(objects, namespaces, pod('frontend'), database, 5432)).to.equal(false);
  });
});
