/** Reads the committed `dist/` folders back as objects, the way Argo CD sees them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../output.js';

export const DIST = new URL('../../../dist/', import.meta.url).pathname;

export interface DistFile {
  readonly path: string;
  readonly text: string;
  readonly documents: unknown[];
}

/** Every file of one folder under dist/, parsed (comments and all documents). */
export function readDistFolder(folder: string, root = DIST): DistFile[] {
  const dir = join(root, folder);
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      const documents = parseAllDocuments(text).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${join(root, folder, name)}: ${doc.errors[0]!.message}`);
        return doc.toJS() as unknown;
      });
      return { path: join(folder, name), text, documents };
    });
}

/** The objects of one folder under dist/. */
export function readDistObjects(folder: string, root = DIST): KubeObject[] {
  return readDistFolder(folder, root).flatMap((file) => file.documents as KubeObject[]);
}
