// Typed tRPC client factory for admin tools; imports only the router's type, never server code.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../src/trpc/router.js';

/** The server refuses batches of more calls (TRPC_MAX_BATCH_SIZE in src/http/trpc-endpoint.ts). */
const MAX_BATCH_ITEMS = 20;
/** Batched queries travel as GET; longer URLs go as several requests, well inside Node's header limit. */
const MAX_URL_LENGTH = 8_000;

/**
 * `headers` runs before every request, so a caller can switch sessions: return
 * `{ authorization: 'Bearer <access token>' }` for a user, or `{ 'x-api-key': '<relay key>' }` for a key holder.
 */
export function createRelayTrpcClient(baseUrl: string, headers: () => Record<string, string> = () => ({})) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl.replace(/\/+$/, '')}/trpc`,
        headers,
        maxItems: MAX_BATCH_ITEMS,
        maxURLLength: MAX_URL_LENGTH,
      }),
    ],
  });
}

export type RelayTrpcClient = ReturnType<typeof createRelayTrpcClient>;
