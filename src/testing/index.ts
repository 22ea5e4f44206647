/**
 * agentgw/testing — the public test kit: run your gateway (routes, tools, auth) on every host
 * framework and under every prefix, over real sockets.
 */

export {
  type HostCell,
  type HostKind,
  hostKinds,
  hostMatrix,
  hostRoutes,
  matrixPrefixes,
  type RunningHost,
  type StartHostOptions,
  startHost,
} from './host-matrix.ts'
