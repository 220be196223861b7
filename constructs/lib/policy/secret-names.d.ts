/**
 * The one definition of "an env var (or config file) name that looks like it holds a secret"
 * (hardening rule S19), shared by the policy check and the constructs' prop checks so the two
 * can never disagree: a construct refuses at construction (with its path) exactly what the
 * policy would report at synth.
 */
/**
 * Whether a literal value under this name would be a secret (S19): a secret word in it
 * (`DB_PASSWORD`, `PGPASSWORD`, `REDIS_PASS`, `JWT_PRIVATE_KEY`, `GITHUB_TOKEN`), or a data-store
 * connection string (`DATABASE_URL`, `REDIS_URL`, `*_DSN`, `CONNECTION_STRING`). Names that say
 * where a secret is or describe it are not: `DATABASE_URL_FILE`, `POSTGRES_PASSWORD_FILE`,
 * `TOKEN_TTL`, `SECRET_NAME`, `KEYCLOAK_URL`, `CACHE_TTL`.
 */
export declare function looksLikeSecretName(name: string): boolean;
