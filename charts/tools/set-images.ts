/**
 * Writes new image references into charts/images.json: the step of the release workflow between
 * "images pushed" and "re-synthesize and commit dist/".
 *
 *   npx tsx charts/tools/set-images.ts --env prod \
 *     todo-api=ghcr.io/example-org/todo-api:1.4.2-3f9c2ab@sha256:<64 hex> [chat-gateway=… frontend=…]
 *
 * Refuses `latest`, untagged references and malformed digests, so a bad release never reaches dist/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS, IMAGES_FILE, type EnvironmentImages } from '../config.js';
import { parseImage } from '@todo-platform/hardened-constructs';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Checks one image reference; returns why it is unacceptable, or undefined. */
export function imageProblem(reference: string): string | undefined {
  const { tag, digest } = parseImage(reference);
  if (tag === undefined) return 'has no tag';
  if (tag === 'latest') return 'uses the mutable tag "latest"';
  if (digest !== undefined && !DIGEST.test(digest)) return `has a malformed digest "${digest}"`;
  return undefined;
}

/** Returns the images document with the given references set for the given environments. */
export function setImages(
  document: Readonly<Record<string, EnvironmentImages>>,
  environments: readonly string[],
  assignments: readonly string[],
): Record<string, EnvironmentImages> {
  if (environments.length === 0) throw new Error('name at least one --env');
  const targets = environments.map((name) => {
    const env = ENVIRONMENTS.find((e) => e.name === name);
    if (!env) throw new Error(`unknown environment "${name}"; known: ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
    return env;
  });
  const updates: Record<string, string> = {};
  for (const assignment of assignments) {
    const [service, reference] = assignment.split(/=(.*)/s, 2) as [string, string | undefined];
    const services = [...new Set(targets.flatMap((env) => env.services.map((s) => s.name)))];
    if (!services.includes(service) || !reference) {
      throw new Error(`"${assignment}" is not <service>=<image>, with service one of ${services.join(', ')}`);
    }
    const problem = imageProblem(reference);
    if (problem) throw new Error(`image for ${service} "${reference}" ${problem}`);
    updates[service] = reference;
  }
  const next: Record<string, EnvironmentImages> = { ...document };
  for (const env of targets) {
    const own = Object.fromEntries(Object.entries(updates).filter(([service]) => env.services.some((s) => s.name === service)));
    next[env.name] = { ...document[env.name], ...own };
  }
  return next;
}

function main(argv: readonly string[]): void {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { env: { type: 'string', multiple: true }, file: { type: 'string' } },
    allowPositionals: true,
  });
  const file = values.file ?? fileURLToPath(IMAGES_FILE);
  const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, EnvironmentImages>;
  const next = setImages(document, values.env ?? [], positionals);
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  console.log(`updated ${file} for ${(values.env ?? []).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`set-images: ${(error as Error).message}`);
    process.exit(2);
  }
}
