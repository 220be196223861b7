import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import pg from 'pg';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }); await admin.connect();
const name = `gwprobe_${Date.now()}`; await admin.query(`create database ${name}`);
const child = spawn(process.execPath, ['--import', 'tsx', 'services/todo-api/src/main.ts'], { env: { ...process.env, PORT: '18555', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}`, SCRYPT_LOG_N: '10', API_RATE_LIMIT_PER_MINUTE: '100000000', SHUTDOWN_DELAY_MS: '0' }, stdio: 'inherit' });
const url = 'http://127.0.0.1:18555';
for (;;) { try { if ((await fetch(url + '/readyz')).ok) break; } catch {} await new Promise((r) => setTimeout(r, 200)); }
const { token } = await (await fetch(url + '/api/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `p${Date.now()}@example.com`, password: 'correct horse battery' }) })).json() as any;
for (let i = 0; i < 10; i++) await fetch(url + '/api/tasks', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ title: 'T' + i }) });
for (const path of ['/api/tasks?status=all&limit=100', '/livez']) {
  const r = await autocannon({ url: url + path, connections: 10, duration: 5, headers: { authorization: `Bearer ${token}` } });
  console.log(path, 'req/s', r.requests.average, 'p50', r.latency.p50, 'p99', r.latency.p99);
}
child.kill('SIGTERM'); await new Promise((r) => setTimeout(r, 1000));
await admin.query(`drop database ${name} with (force)`); await admin.end();
