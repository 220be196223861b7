/**
 * Container image references (`registry:5000/team/app:1.2.3@sha256:…`): one parser for the
 * constructs' prop checks and the policy's I01/I02 rules, so both read a reference the same way.
 */
import type { IConstruct } from 'constructs';
/** The only digest the platform accepts (I02). */
export declare const SHA256_DIGEST: RegExp;
/** The parts of an image reference; `tag` and `digest` are absent when the reference has none. */
export interface ImageReference {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}
/** Splits `repo:tag@sha256:…` into its parts; a registry port (`host:5000/repo`) is not a tag. */
export declare function parseImage(image: string): ImageReference;
/**
 * Refuses an image without a valid tag, with `latest` (I01), with a malformed digest, or without a
 * digest when `requireDigest` (I02), naming the construct path; returns the tag (the version label).
 */
export declare function checkImage(scope: IConstruct, prop: string, image: string, requireDigest: boolean): string;
