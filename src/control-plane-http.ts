// The control plane's HTTP surfaces (GraphQL, GraphQL over WebSocket, tRPC, the dashboard), loaded on demand:
// a relay-only process (SERVER_ROLE=relay) never imports them, and so never pays for the GraphQL schema, the
// tRPC router or the WebSocket server (about 12 MB and 200 ms of start-up, bench/module-cost.ts).
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from './lib/logger.js';
import type { Services } from './services/container.js';

export interface ControlPlaneSettings {
  services: Services;
  logger: Logger;
  dashboardDir: string;
  bodyLimitBytes: number;
  graphiql: boolean;
  introspection: boolean;
  corsOrigins: readonly string[];
  trustProxy: boolean;
  production: boolean;
  liveMaxConnections: number;
}

export interface ControlPlaneHttp {
  /** Paths whose handlers read their own bodies (the app's JSON reader keeps out of them). */
  ownBodyPaths: string[];
  mount(express: Express): void;
  /** Serves GraphQL subscriptions on the server's upgrades; returns what stops them. */
  attach(server: Server): { stop(): Promise<void> };
}

export async function loadControlPlaneHttp(settings: ControlPlaneSettings): Promise<ControlPlaneHttp> {
  const [graphql, ws, trpc, dashboard] = await Promise.all([
    import('./schema/graphql-endpoint.js'),
    import('./schema/graphql-ws.js'),
    import('./trpc/trpc-endpoint.js'),
    import('./http/dashboard-assets.js'),
  ]);
  const { services, logger, bodyLimitBytes } = settings;
  return {
    ownBodyPaths: [graphql.GRAPHQL_PATH, trpc.TRPC_PATH],
    mount(express) {
      graphql.mountGraphQL(express, {
        services,
        logger,
        graphiql: settings.graphiql,
        introspection: settings.introspection,
        corsOrigins: settings.corsOrigins,
        bodyLimitBytes,
      });
      trpc.mountTrpc(express, { services, logger, bodyLimitBytes });
      dashboard.mountDashboard(express, settings.dashboardDir);
    },
    attach(server) {
      return ws.attachGraphQLWs(server, {
        services,
        logger,
        trustProxy: settings.trustProxy,
        production: settings.production,
        introspection: settings.introspection,
        maxConnections: settings.liveMaxConnections,
      });
    },
  };
}
