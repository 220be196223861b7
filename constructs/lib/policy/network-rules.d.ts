/** Services, routes, network policies, namespaces and API versions (N01–N09, P04 on Services). */
import type { CheckContext } from './context.js';
export declare function checkServices(ctx: CheckContext): void;
export declare function checkRoutes(ctx: CheckContext): void;
export declare function checkSnippets(ctx: CheckContext): void;
export declare function checkNetworkPolicies(ctx: CheckContext): void;
export declare function checkNamespaces(ctx: CheckContext): void;
export declare function checkApiVersions(ctx: CheckContext): void;
