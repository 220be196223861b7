import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { HardenedDeployment } from '../../hardened-deployment.js';
import { InvalidPropsError } from '../../errors.js';
import { HardeningValidation } from '../../policy/index.js';
import { looksLikeSecretName } from '../../policy/secret-names.js';
import { OPTIONS, apiPod, compliant } from './support.js';

const SECRET = [
  'PASSWORD',
  'DB_PASSWORD',
  'PGPASSWORD',
  'DBPASSWORD',
  'REDIS_PASS',
  'SMTP_PASS',
  'ADMIN_PWD',
  'adminPassword',
  'DB_PASSWD',
  'GPG_PASSPHRASE',
  'JWT_SECRET',
  'ClientSecret',
  'GITHUB_TOKEN',
  'apiToken',
  'API_KEY',
  'STRIPE_APIKEY',
  'stripe-api-key',
  'dbKey',
  'AWS_ACCESS_KEY_ID',
  'PRIVATE_KEY',
  'JWT_PRIVATE_KEY',
  'GCP_CREDENTIALS',
  'SECRET_KEY_BASE',
  'SECRET_URL',
  'DATABASE_URL',
  'TODO_DB_URL',
  'REDIS_URL',
  'MONGODB_URI',
  'SENTRY_DSN',
  'SQL_CONNECTION_STRING',
];
const NOT_SECRET = [
  'PORT',
  'LOG_LEVEL',
  'CACHE_TTL',
  'TOKEN_TTL',
  'PGHOST',
  'PGUSER',
  'PGDATABASE',
  'KEYCLOAK_URL',
  'TODO_API_URL',
  'MONKEY_MODE',
  'PASSTHROUGH',
  'KEYBOARD_LAYOUT',
  'JWT_PRIVATE_KEY_FILE',
  'DATABASE_URL_FILE',
  'POSTGRES_PASSWORD_FILE',
  'DB_PASSWORD_FILE',
  'TLS_KEY_PATH',
  'TOKEN_DIR',
  'SECRET_NAME',
  'API_KEY_HEADER',
  'PASSWORD_MIN_LENGTH',
  '',
];

describe('policy: looksLikeSecretName (S19), shared by the policy and the constructs', () => {
  it('flags secret words inside names, short secret words as whole words, and data-store connection strings', () => {
    expect(
      SECRET.filter((name) => !looksLikeSecretName(name)),
      'missed',
    ).to.deep.equal([]);
  });

  it('passes names that point at a mounted secret or describe one, and ordinary settings', () => {
    expect(
      NOT_SECRET.filter((name) => looksLikeSecretName(name)),
      'falsely flagged',
    ).to.deep.equal([]);
  });

  it('is what both the policy (a literal env value) and HardenedDeployment (a config name) go by', async () => {
    const policy = new HardeningValidation(OPTIONS);
    for (const name of [...SECRET, ...NOT_SECRET].filter((n) => n !== '' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) {
      const objects = compliant();
      apiPod(objects).container.env.push({ name, value: 'x' });
      const policyFlags = (await policy.check(objects)).some((v) => v.rule === 'S19');
      const build = () =>
        new HardenedDeployment(Testing.chart(), 'api', {
          name: 'api',
          namespace: 'todo',
          component: 'api',
          partOf: 'todo',
          image: 'api:1.0.0',
          resources: {
            requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
            limits: { cpu: '1', memory: '256Mi', ephemeralStorage: '256Mi' },
          },
          config: { [name]: 'x' },
        });
      let constructRefuses = false;
      try {
        build();
      } catch (error) {
        expect(error, name).to.be.instanceOf(InvalidPropsError);
        expect((error as Error).message, name).to.equal(
          `test/api: invalid config ${JSON.stringify(name)}: looks like a secret; mount it from an existing Secret with secretFiles instead (S19)`,
        );
        constructRefuses = true;
      }
      expect({ name, policyFlags, constructRefuses }).to.deep.equal({
        name,
        policyFlags: SECRET.includes(name),
        constructRefuses: SECRET.includes(name),
      });
    }
  });
});
