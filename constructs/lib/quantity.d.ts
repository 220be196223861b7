/**
 * Kubernetes resource quantities (`250m`, `1.5Gi`, `2k`, `1e3`) as plain numbers, so props can be
 * compared (a limit below its request is a synth error, not a pod stuck in admission).
 */
/** The quantity's value in base units (cores, bytes), or `undefined` if it is not a valid quantity. */
export declare function parseQuantity(quantity: string): number | undefined;
