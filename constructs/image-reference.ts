/**
 * Container image references (`registry:5000/team/app:1.2.3@sha256:…`): one parser for the
 * constructs' prop checks and the policy's I01/I02 rules, so both read a reference the same way.
 */
import type { IConstruct } from 'constructs';
import { invalidProp } from './errors.js';

/** A tag as the OCI distribution spec allows it. */
const TAG = /^\w[\w.-]{0,127}$/;
/** The only digest the platform accepts (I02). */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The parts of an image reference; `tag` and `digest` are absent when the reference has none. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `repo:tag@sha256:…` into its parts; a registry port (`host:5000/repo`) is not a tag. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const nameAndTag = at < 0 ? image : image.slice(0, at);
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > slash;
  return {
    repository: hasTag ? nameAndTag.slice(0, colon) : nameAndTag,
    ...(hasTag ? { tag: nameAndTag.slice(colon + 1) } : {}),
    ...(at >= 0 ? { digest: image.slice(at + 1) } : {}),
  };
}

/**
 * Refuses an image without a valid tag, with `latest` (I01), with a malformed digest, or without a
 * digest when `requireDigest` (I02), naming the construct path; returns the tag (the version label).
 */
export function checkImage(scope: IConstruct, prop: string, image: string, requireDigest: boolean): string {
  const { repository, tag, digest } = parseImage(image);
  if (repository === '' || tag === undefined) invalidProp(scope, prop, image, 'needs an explicit tag, e.g. "repo:1.2.3" (I01)');
  if (tag === 'latest') invalidProp(scope, prop, image, 'the tag "latest" is not a version (I01)');
  if (!TAG.test(tag)) invalidProp(scope, prop, image, 'the tag is not a valid image tag');
  if (digest !== undefined && !SHA256_DIGEST.test(digest))
    invalidProp(scope, prop, image, 'the digest must be "sha256:" followed by 64 hex digits');
  if (requireDigest && digest === undefined)
    invalidProp(scope, prop, image, 'this environment requires a digest: "repo:tag@sha256:..." (I02)');
  return tag;
}
