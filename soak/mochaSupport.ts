/**
 * The PostgreSQL server for the server-path reliability tests. Without DATABASE_URL they are
 * skipped with a printed reason, unless REQUIRE_DATABASE=1 (CI), where a missing server fails.
 */
export function databaseServerOrSkip(context: Mocha.Context): string {
  const url = process.env.DATABASE_URL;
  if (url) return url;
  if (process.env.REQUIRE_DATABASE === '1') throw new Error('REQUIRE_DATABASE=1 but DATABASE_URL is unset');
  console.log(`      skipped "${context.test?.parent?.title}": DATABASE_URL is unset (set it to a PostgreSQL server to run)`);
  context.skip();
}
