/**
 * The one definition of "an env var (or config file) name that looks like it holds a secret"
 * (hardening rule S19), shared by the policy check and the constructs' prop checks so the two
 * can never disagree: a construct refuses at construction (with its path) exactly what the
 * policy would report at synth.
 */

/** Secret words matched anywhere in the name, so run-together names count: `PGPASSWORD`, `DBPASSWORD`, `apiToken`. */
const SECRET_SUBSTRINGS = /password|passwd|passphrase|secret|token|api_?key|credential|private_?key/;
/** Short secret words matched only as whole words, since `monkey`, `keycloak`, `passthrough` are not secrets. */
const SECRET_WORDS = new Set(['key', 'pass', 'pwd']);
/**
 * Last words that make the name about a secret, not the secret: where it is mounted (`_FILE`,
 * `_PATH`, `_DIR`), which one it is (`_NAME`, `_REF`), or a property of it (`TOKEN_TTL`).
 * `_URL`, `_URI` and `_ENDPOINT` are not here: a URL can carry `user:password@`.
 */
const NOT_A_SECRET_LAST_WORDS = new Set([
  'file',
  'path',
  'dir',
  'name',
  'ref',
  'ttl',
  'lifetime',
  'expiry',
  'length',
  'size',
  'type',
  'algorithm',
  'header',
  'prefix',
  'issuer',
  'audience',
]);
/** Data stores whose connection URL conventionally embeds the password (`postgres://user:pw@host/db`). */
const DATA_STORE_WORDS = new Set([
  'database',
  'db',
  'postgres',
  'postgresql',
  'pg',
  'mysql',
  'mariadb',
  'redis',
  'mongo',
  'mongodb',
  'amqp',
  'rabbitmq',
]);

/** `DB_Password`, `apiToken`, `stripe-api-key` → `db_password`, `api_token`, `stripe_api_key`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a literal value under this name would be a secret (S19): a secret word in it
 * (`DB_PASSWORD`, `PGPASSWORD`, `REDIS_PASS`, `JWT_PRIVATE_KEY`, `GITHUB_TOKEN`), or a data-store
 * connection string (`DATABASE_URL`, `REDIS_URL`, `*_DSN`, `CONNECTION_STRING`). Names that say
 * where a secret is or describe it are not: `DATABASE_URL_FILE`, `POSTGRES_PASSWORD_FILE`,
 * `TOKEN_TTL`, `SECRET_NAME`, `KEYCLOAK_URL`, `CACHE_TTL`.
 */
export function looksLikeSecretName(name: string): boolean {
  const parts = words(name);
  const last = parts.at(-1);
  if (last === undefined || NOT_A_SECRET_LAST_WORDS.has(last)) return false;
  if (SECRET_SUBSTRINGS.test(parts.join('_')) || parts.some((word) => SECRET_WORDS.has(word))) return true;
  const connectionString =
    last === 'dsn' ||
    parts.join('_').includes('connection_string') ||
    ((last === 'url' || last === 'uri') && parts.slice(0, -1).some((word) => DATA_STORE_WORDS.has(word)));
  return connectionString;
}
