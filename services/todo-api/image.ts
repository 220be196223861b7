// The todo-api image's start command, read from its Dockerfile, so that the benchmark and the
// container test run the bundle with exactly the node options the image ships with; and any service
// image's environment (the chat-gateway benchmark runs its bundle with its image's).
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';

export const DOCKERFILE = fileURLToPath(new URL('./Dockerfile', import.meta.url));

/** `dockerfile` parsed as Docker reads it (line continuations, quoting, both forms of ENV). */
async function parseDockerfile(dockerfile: string): Promise<Dockerfile> {
  return DockerfileParser.parse(await readFile(dockerfile, 'utf8'));
}

/** The exec-form `CMD` of the Dockerfile's last stage, e.g. `["node", "--flag", "build/todo-api/main.js"]`. */
export async function imageCommand(dockerfile = DOCKERFILE): Promise<string[]> {
  const last = (await parseDockerfile(dockerfile)).getCMDs().at(-1);
  if (!last) throw new Error(`${dockerfile} has no CMD`);
  const written = last.getRawArgumentsContent() ?? '';
  let command: unknown;
  try {
    command = JSON.parse(written);
  } catch {
    command = undefined; // the shell form: reported below
  }
  if (!Array.isArray(command) || command[0] !== 'node' || !command.every((part) => typeof part === 'string')) {
    throw new Error(`${dockerfile}: CMD must be the exec form ["node", ...options, script], got CMD ${written}`);
  }
  return command;
}

/** Where the image's bundle lies, relative to its working directory: its preloads (`--import`) are there too. */
const IMAGE_BUNDLE_DIR = './build/todo-api/';

/**
 * The options the image passes to node before the script, with its preloads (the tracing one)
 * taken from `bundleDir`, where a benchmark built the bundle, instead of the image's build/todo-api/.
 */
export async function imageNodeOptions(bundleDir: string, dockerfile = DOCKERFILE): Promise<string[]> {
  const bundle = `${pathToFileURL(bundleDir).href}/`;
  return (await imageCommand(dockerfile))
    .slice(1, -1)
    .map((option) => option.replace(`--import=${IMAGE_BUNDLE_DIR}`, `--import=${bundle}`));
}

/**
 * The environment the last stage of `dockerfile` sets (its `ENV` instructions, later ones winning),
 * as the container's process starts with it: variables such as MALLOC_ARENA_MAX shape how the
 * process runs, so a benchmark of the image's bundle must set them too.
 */
export async function imageEnvironment(dockerfile = DOCKERFILE): Promise<Record<string, string>> {
  const parsed = await parseDockerfile(dockerfile);
  const lastStage = parsed.getFROMs().at(-1);
  if (!lastStage) throw new Error(`${dockerfile} has no FROM`);
  const environment: Record<string, string> = {};
  for (const instruction of parsed.getENVs()) {
    if (instruction.getRange().start.line < lastStage.getRange().start.line) continue;
    for (const property of instruction.getProperties()) {
      const [name, value] = [property.getName(), property.getValue()];
      if (value === null) throw new Error(`${dockerfile}: ENV ${name} has no value`);
      environment[name] = value;
    }
  }
  return environment;
}
