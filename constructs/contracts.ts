/**
 * Small interfaces that let constructs refer to each other without depending on each other's
 * classes: a route needs a Service port, a network policy needs a set of pods.
 */
import type { AppProtocol } from './containers.js';

/** A Service port that a route (Ingress or HTTPRoute) can send traffic to. */
export interface IRouteBackend {
  /** The Service's name. */
  readonly serviceName: string;
  /** The Service's namespace. */
  readonly namespace: string;
  /** The Service port's name (routes refer to ports by name where the API allows it). */
  readonly portName: string;
  /** The Service port's number (HTTPRoute backendRefs need the number). */
  readonly port: number;
  /**
   * What the port speaks; `grpc` makes routes to it gRPC routes by default.
   * @default - undeclared: HTTP/1.1
   */
  readonly appProtocol?: AppProtocol;
}

/** A workload's pods as network policies see them: one name label in one namespace. */
export interface INetworkPeer {
  /** The value of the pods' `app.kubernetes.io/name` label (and the name of the workload's policy). */
  readonly peerName: string;
  /** The pods' namespace. */
  readonly namespace: string;
  /**
   * The labels that select the pods, for pods whose labels someone else controls (an operator's).
   * @default - `{ 'app.kubernetes.io/name': peerName }`, the one label every workload here carries
   */
  readonly podSelectorLabels?: Readonly<Record<string, string>>;
}
