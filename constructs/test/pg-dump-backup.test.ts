import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import pg from 'pg';
import { InvalidPropsError } from '../errors.js';
import { PG_DUMP_SCRIPT, PgDumpBackup } from '../pg-dump-backup.js';
import type { PgDumpBackupProps } from '../pg-dump-backup.js';
import { violationsInNamespace } from './support/policy.js';
import type { Manifest } from './support/snapshot.js';

const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' };

const PROPS: PgDumpBackupProps = {
  name: 'todo-db-backup',
  namespace: 'todo',
  partOf: 'todo-platform',
  version: '17.6',
  image: 'postgres:17.6-trixie',
  source: {
    server: { peerName: 'todo-db', namespace: 'todo', port: 5432 },
    host: 'todo-db.todo.svc.cluster.local',
    database: 'todo',
    user: 'todo',
    passwordSecret: { name: 'todo-db-app', key: 'password' },
  },
  schedule: '17 3 * * *',
  storage: '2Gi',
  resources: {
    requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '32Mi' },
    limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
  },
};

describe('PgDumpBackup', () => {
  describe('construct', () => {
    const synth = (overrides: Partial<PgDumpBackupProps>) => {
      const chart = Testing.chart();
      new PgDumpBackup(chart, 'backup', { ...PROPS, ...overrides });
      return Testing.synth(chart) as Manifest[];
    };

    it('is a CronJob construct plus the claim, its Jobs without a TTL, passing the policy with no waiver', async () => {
      const objects = synth({});
      expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).to.deep.equal([
        'PersistentVolumeClaim todo-db-backup',
        'ServiceAccount todo-db-backup',
        'CronJob todo-db-backup',
        'NetworkPolicy todo-db-backup',
      ]);
      const cronJob = objects.find((o) => o.kind === 'CronJob')!;
      expect(cronJob.spec.jobTemplate.spec).not.to.have.property('ttlSecondsAfterFinished');
      expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0].command).to.deep.equal(['/bin/bash', '-c', PG_DUMP_SCRIPT]);
      expect(await violationsInNamespace(objects)).to.deep.equal([]);
    });

    it('accepts cron ranges, steps, lists and names', () => {
      const objects = synth({ schedule: '*/15 1-5 1,15 JAN-MAR MON-FRI' });
      expect(objects.find((o) => o.kind === 'CronJob')!.spec.schedule).to.equal('*/15 1-5 1,15 JAN-MAR MON-FRI');
    });

    it('refuses its own bad props, naming its path', () => {
      const invalid = (overrides: Partial<PgDumpBackupProps>, message: string) => {
        expect(() => synth(overrides)).to.throw(InvalidPropsError, `test/backup: invalid ${message}`);
      };
      invalid({ name: 'b'.repeat(53) }, `name "${'b'.repeat(53)}": must be a DNS-1035 label of at most 52 characters`);
      invalid({ schedule: '0 24 * * *' }, 'schedule "0 24 * * *": the hour field "24" is not valid (0-23');
      invalid({ schedule: '0 3 5-1 * *' }, 'schedule "0 3 5-1 * *": the day of month field "5-1" is not valid');
      invalid({ keep: 1.5 }, 'keep 1.5: must be an integer from 1 to 100');
      invalid({ timeoutSeconds: 10 }, 'timeoutSeconds 10: must be an integer >= 60');
      invalid({ source: { ...PROPS.source, host: 'todo db' } }, 'source.host "todo db": must be a DNS name');
      invalid({ source: { ...PROPS.source, user: 'Todo' } }, 'source.user "Todo": must be a lowercase SQL identifier');
      invalid({ version: 'v 1' }, 'version "v 1": must be a non-empty label value');
    });
  });

  describe('packaging', () => {
    it('embeds the script: no library module reads a file at run time (a bundle or the npm package would not carry it)', () => {
      const library = new URL('../', import.meta.url);
      const modules = [
        ...readdirSync(library)
          .filter((f) => f.endsWith('.ts'))
          .map((f) => new URL(f, library)),
        ...readdirSync(new URL('policy/', library))
          .filter((f) => f.endsWith('.ts'))
          .map((f) => new URL(`policy/${f}`, library)),
      ];
      expect(modules.length).to.be.greaterThan(20);
      // Reading a file the user names (the policy's crdFiles) is fine; a path relative to the module is not.
      const reading = modules.filter((url) => /import\.meta\.(url|dirname|filename)|__dirname/.test(readFileSync(url, 'utf8')));
      expect(reading.map((url) => url.pathname.split('/constructs/')[1])).to.deep.equal([]);
      expect(readdirSync(library).filter((f) => f.endsWith('.sh'))).to.deep.equal([]);
      expect(PG_DUMP_SCRIPT)
        .to.match(/^# Nightly logical backup/)
        .and.to.contain('password="${password//\\\\/\\\\\\\\}"');
    });
  });

  // The job's script, run with bash against the real PostgreSQL server (trust auth: the password
  // file is read and written to pgpass, but the server does not check it).
  describe('script', function () {
    this.timeout(30_000);
    const database = `pgdump_${process.pid}_${randomBytes(4).toString('hex')}`;
    const restored = `${database}_restored`;
    let work: string;
    let backups: string;
    let scratch: string;
    let passwordFile: string;

    const admin = async (sql: string): Promise<void> => {
      const client = new pg.Client({ ...SERVER, database: 'test' });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };

    before(async () => {
      await admin(`CREATE DATABASE ${database}`);
      await admin(`CREATE DATABASE ${restored}`);
      const client = new pg.Client({ ...SERVER, database });
      await client.connect();
      await client.query("CREATE TABLE tasks (id int PRIMARY KEY, title text); INSERT INTO tasks VALUES (1, 'a'), (2, 'b'), (3, 'c')");
      await client.end();
    });

    after(async () => {
      await admin(`DROP DATABASE IF EXISTS ${database}`);
      await admin(`DROP DATABASE IF EXISTS ${restored}`);
    });

    beforeEach(() => {
      work = mkdtempSync(join(tmpdir(), 'pg-dump-backup-'));
      backups = join(work, 'backups');
      scratch = join(work, 'tmp');
      mkdirSync(backups);
      mkdirSync(scratch);
      passwordFile = join(work, 'password');
      writeFileSync(passwordFile, 'p:a\\ss\n');
    });

    afterEach(() => rmSync(work, { recursive: true, force: true }));

    const run = (env: Record<string, string> = {}) =>
      spawnSync('/bin/bash', ['-c', PG_DUMP_SCRIPT], {
        encoding: 'utf8',
        // No stdin: bash reads ~/.bashrc when stdin is a socket (what Node's pipes are), as under rshd.
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH!,
          TMPDIR: scratch,
          PGHOST: SERVER.host,
          PGPORT: String(SERVER.port),
          PGUSER: SERVER.user,
          PGDATABASE: database,
          DB_PASSWORD_FILE: passwordFile,
          BACKUP_DIR: backups,
          KEEP_DUMPS: '7',
          ...env,
        },
      });
    const oldDumps = Array.from({ length: 8 }, (_, i) => `${database}-2020010${i + 1}T000000Z.dump`);
    const seed = () => {
      for (const name of [...oldDumps, `${database}-20200109T000000Z.dump.partial`, 'other-20200101T000000Z.dump'])
        writeFileSync(join(backups, name), 'old');
    };

    it('writes a restorable custom-format dump, keeps the newest 7, drops partial files and its pgpass', () => {
      seed();
      const result = run();
      expect(result.stderr).to.equal('');
      expect(result.status).to.equal(0);
      const files = readdirSync(backups).sort();
      const fresh = files.filter((f) => f.startsWith(`${database}-`) && !oldDumps.includes(f));
      expect(fresh).to.have.length(1);
      expect(fresh[0]).to.match(new RegExp(`^${database}-\\d{8}T\\d{6}Z\\.dump$`));
      expect(files).to.deep.equal([...oldDumps.slice(2), fresh[0], 'other-20200101T000000Z.dump'].sort());
      expect(readdirSync(scratch), 'pgpass removed on exit').to.deep.equal([]);
      expect(result.stdout).to.contain('kept 7 dump(s)');

      const restore = spawnSync(
        'pg_restore',
        ['--no-owner', `--host=${SERVER.host}`, `--username=${SERVER.user}`, `--dbname=${restored}`, join(backups, fresh[0]!)],
        { encoding: 'utf8' },
      );
      expect(restore.stderr).to.equal('');
      expect(restore.status).to.equal(0);
      const count = spawnSync(
        'psql',
        [`--host=${SERVER.host}`, `--username=${SERVER.user}`, `--dbname=${restored}`, '-Atc', 'SELECT count(*) FROM tasks'],
        { encoding: 'utf8' },
      );
      expect(count.stdout.trim()).to.equal('3');
    });

    it('fails without the password file and touches no dump', () => {
      seed();
      const result = run({ DB_PASSWORD_FILE: join(work, 'missing') });
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.contain('missing: No such file or directory');
      expect(readdirSync(backups).filter((f) => f.endsWith('.dump'))).to.have.length(9);
    });

    it('fails when pg_dump fails and leaves no dump and no retention pass behind', () => {
      seed();
      const result = run({ PGDATABASE: `${database}_absent` });
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.contain(`database "${database}_absent" does not exist`);
      expect(readdirSync(backups).filter((f) => f.endsWith('.dump'))).to.have.length(9);
    });
  });
});
