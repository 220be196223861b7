/**
 * Kubernetes resource quantities (`250m`, `1.5Gi`, `2k`, `1e3`) as plain numbers, so props can be
 * compared (a limit below its request is a synth error, not a pod stuck in admission).
 */
const BINARY_SUFFIX = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};
const DECIMAL_SUFFIX = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    '': 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
};
// The grammar of k8s.io/apimachinery resource.Quantity: sign, number, then one suffix or exponent.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;
/** The quantity's value in base units (cores, bytes), or `undefined` if it is not a valid quantity. */
export function parseQuantity(quantity) {
    const match = QUANTITY.exec(quantity);
    if (!match)
        return undefined;
    const [, number, suffix, exponent] = match;
    const value = Number(number);
    if (exponent !== undefined)
        return value * 10 ** Number(exponent);
    const multiplier = BINARY_SUFFIX[suffix ?? ''] ?? DECIMAL_SUFFIX[suffix ?? ''];
    return multiplier === undefined ? undefined : value * multiplier;
}
