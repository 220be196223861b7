import { DATABASE_SERVER, requireOrSkip } from '../test/support/requirements.js';

/**
 * The PostgreSQL server for the server-path reliability tests. Without DATABASE_URL they are
 * skipped with a printed reason, unless REQUIRE_DATABASE=1 (CI), where a missing server fails.
 */
export function databaseServerOrSkip(context: Mocha.Context): string {
  const url = process.env.DATABASE_URL;
  requireOrSkip(context, Boolean(url), DATABASE_SERVER);
  return url!;
}
