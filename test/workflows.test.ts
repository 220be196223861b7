import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = new URL('..', import.meta.url).pathname;
const WORKFLOWS = join(ROOT, '.github/workflows');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Workflow {
  readonly name: string;
  readonly on: unknown;
  readonly jobs: Record<string, { readonly steps: Step[]; readonly strategy?: { matrix?: { include?: Record<string, string>[] } } }>;
}

/** Repository paths a workflow mentions: in `run:` scripts, `with:` inputs and matrix values. */
function referencedPaths(workflow: Workflow): string[] {
  const text = JSON.stringify(workflow);
  const found = text.match(/(?:charts|constructs|services|test|bench)\/[\w./-]+\.(?:ts|json|yml|yaml)|services\/[\w-]+\/Dockerfile|\.nvmrc/g) ?? [];
  return [...new Set(found)];
}

describe('GitHub workflows', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it('has a CI and a release workflow', () => {
    expect(files.sort()).to.deep.equal(['ci.yml', 'release.yml']);
  });

  for (const file of files) {
    describe(file, () => {
      const workflow = parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;

      it('parses with a trigger and jobs whose steps run or use something', () => {
        expect(workflow.name).to.be.a('string').and.not.be.empty;
        expect(workflow.on).to.not.equal(undefined);
        const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
        expect(steps).to.not.be.empty;
        for (const step of steps) expect(Boolean(step.uses) !== Boolean(step.run), JSON.stringify(step)).to.equal(true);
      });

      it('references only files that exist', () => {
        const paths = referencedPaths(workflow);
        expect(paths).to.not.be.empty;
        const missing = paths.filter((p) => !existsSync(join(ROOT, p)));
        expect(missing, `missing: ${missing.join(', ')}`).to.deep.equal([]);
      });

      it('pins every action to a major version at least', () => {
        const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.uses).filter(Boolean)) as string[];
        for (const use of uses) expect(use).to.match(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
      });
    });
  }

  it('release builds every service Dockerfile and runs the set-images tool and synth', () => {
    const release = parse(readFileSync(join(WORKFLOWS, 'release.yml'), 'utf8')) as Workflow;
    const dockerfiles = release.jobs['images']!.strategy!.matrix!.include!.map((leg) => leg['dockerfile']);
    expect(dockerfiles).to.have.members([
      'services/todo-api/Dockerfile',
      'services/chat-gateway/Dockerfile',
      'services/frontend/Dockerfile',
    ]);
    const scripts = release.jobs['manifests']!.steps.map((s) => s.run ?? '').join('\n');
    expect(scripts).to.include('charts/tools/set-images.ts').and.include('make synth').and.include('git add charts/images.json dist/');
  });
});
