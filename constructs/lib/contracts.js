/**
 * Small interfaces that let constructs refer to each other without depending on each other's
 * classes: a route needs a Service port, a network policy needs a set of pods.
 */
export {};
