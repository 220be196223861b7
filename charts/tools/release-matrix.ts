/**
 * The release workflow's build matrix, from the platform's service list (charts/services.ts): one leg
 * per service any environment runs, with its Dockerfile and image repository. Prints GitHub Actions'
 * `strategy.matrix` JSON:
 *
 *   npx tsx charts/tools/release-matrix.ts   →   {"include":[{"service":"todo-api","dockerfile":…,"repository":…},…]}
 */
import { fileURLToPath } from 'node:url';
import { ENVIRONMENTS, type EnvironmentConfig } from '../config.js';

export interface MatrixLeg {
  readonly service: string;
  readonly dockerfile: string;
  readonly repository: string;
}

/** One leg per distinct service of the environments, in the order they are first listed. */
export function releaseMatrix(environments: readonly EnvironmentConfig[] = ENVIRONMENTS): { include: MatrixLeg[] } {
  const legs = new Map<string, MatrixLeg>();
  for (const service of environments.flatMap((env) => env.services)) {
    legs.set(service.name, { service: service.name, dockerfile: service.build.dockerfile, repository: service.build.repository });
  }
  return { include: [...legs.values()] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(releaseMatrix()));
