// Live subscriptions for the pages: one graphql-ws connection per signed-in tab (the project's live client),
// its status for the header's "live / reconnecting" badge, and a hook that runs one subscription while a
// component is mounted. graphql-ws resubscribes after a reconnect; pages drop events they already hold.
import { createRelayLiveClient, type RelayLiveClient, type RelayLiveStatus } from '@clients/live-client';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { relayOrigin, sessions } from './api';

interface LiveContextValue {
  client: RelayLiveClient;
  status: RelayLiveStatus;
}

const LiveContext = createContext<LiveContextValue | undefined>(undefined);

export function LiveProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<RelayLiveStatus>('idle');
  const client = useMemo(
    () =>
      createRelayLiveClient(relayOrigin, {
        accessToken: () => sessions.accessToken(),
        // A dashboard waits out any outage: graphql-ws backs off (randomised, exponential) between attempts.
        retryAttempts: Number.POSITIVE_INFINITY,
        onStatus: setStatus,
      }),
    [],
  );
  useEffect(() => () => void client.dispose(), [client]);
  return <LiveContext.Provider value={{ client, status }}>{children}</LiveContext.Provider>;
}

export function useLiveStatus(): RelayLiveStatus {
  return useContext(LiveContext)?.status ?? 'idle';
}

/**
 * Runs `document` while mounted (and again when `variables` change, compared by value) and hands each event
 * to `onEvent`. Errors that end the subscription (role refused, bad filter) go to the returned error.
 */
export function useSubscription<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  onEvent: (event: Result) => void,
  enabled = true,
): Error | undefined {
  // The client, not the context value: that changes with every status change, which must not resubscribe.
  const client = useContext(LiveContext)?.client;
  const [error, setError] = useState<Error | undefined>();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!client || !enabled) return undefined;
    setError(undefined);
    const iterator = client.subscribe(document, JSON.parse(key) as Variables);
    let stopped = false;
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done || stopped) return;
          handler.current(next.value);
        }
      } catch (caught) {
        if (!stopped) setError(caught instanceof Error ? caught : new Error('The live connection closed'));
      }
    })();
    return () => {
      stopped = true;
      void iterator.return?.();
    };
  }, [client, document, key, enabled]);
  return error;
}

/** Remembers the last `limit` ids seen, so an event delivered twice (after a resubscribe) is applied once. */
export function createSeenSet(limit = 2_000): (id: string) => boolean {
  const seen = new Set<string>();
  return (id) => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > limit) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };
}
