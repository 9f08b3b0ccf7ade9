// Typed tRPC client factory for admin tools; imports only the router's type, never server code.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../src/trpc/router.js';

export function createRelayTrpcClient(baseUrl: string, headers: () => Record<string, string> = () => ({})) {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseUrl}/trpc`, headers })] });
}
