/** Pod and container rules (S, I, R, P of shared/hardening.md), per workload, init containers included. */
import type { CheckContext } from './context.js';
export declare function checkPods(ctx: CheckContext): void;
export declare function isIanaServiceName(name: string): boolean;
/** A value as it appears in a message: `true`, `"x"`, `absent`. */
export declare function show(value: unknown): string;
