// Any signed-in user: the request log's rows for one filter — the newest page, the older pages loaded on
// demand, and the entries the live tail delivered since — merged newest first, each request once.
import {
  type RequestLogFilter,
  RequestsPageLogDocument,
  type RequestsPageLogQuery,
  RequestsPageTailDocument,
} from '@clients/generated/graphql/graphql';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../app/api';
import { createSeenSet, useSubscription } from '../../app/live';
import type { QueryState } from '../../app/use-graphql';
import type { Entry } from './entry-parts';

export const PAGE_SIZE = 50;
/** Live entries kept on screen; past this the oldest live ones fall off (the log itself keeps them). */
const TAIL_LIMIT = 1_000;

interface OlderPages {
  entries: Entry[];
  cursor: string | null;
  hasMore: boolean;
}

export interface RequestLogRows {
  entries: Entry[];
  /** Requests the live tail added, for a brief highlight. */
  fresh: ReadonlySet<string>;
  hasMore: boolean;
  loadOlder: () => Promise<void>;
  loadingOlder: boolean;
  olderError: Error | undefined;
  /** Events the server skipped because this tab read too slowly. */
  dropped: number;
  clearDropped: () => void;
  liveError: Error | undefined;
}

/** Mount once per filter (keyed by it): older pages and live entries belong to the filter they came from. */
export function useRequestLog(
  filter: RequestLogFilter,
  first: QueryState<RequestsPageLogQuery>,
  live: boolean,
): RequestLogRows {
  const [older, setOlder] = useState<OlderPages | undefined>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<Error | undefined>();
  const [tail, setTail] = useState<Entry[]>([]);
  const [dropped, setDropped] = useState(0);
  // Events may come again after a reconnect (graphql-ws resubscribes): each is applied once.
  const [seen] = useState(() => createSeenSet());

  const liveError = useSubscription(
    RequestsPageTailDocument,
    { filter },
    (event) => {
      const { entry, dropped: skipped } = event.requestLogTail;
      if (skipped > 0) setDropped((total) => total + skipped);
      if (!seen(entry.requestId)) return;
      setTail((current) => [entry, ...current].slice(0, TAIL_LIMIT));
    },
    live,
  );

  // Turning the tail back on: what arrived while it was off is fetched with the newest page again.
  const wasLive = useRef(live);
  const { reload } = first;
  useEffect(() => {
    if (live && !wasLive.current) void reload();
    wasLive.current = live;
  }, [live, reload]);

  const page = first.data?.requestLog;
  const hasMore = older ? older.hasMore : (page?.pageInfo.hasNextPage ?? false);
  const cursor = older ? older.cursor : (page?.pageInfo.endCursor ?? null);

  const loadOlder = useCallback(async () => {
    if (!cursor) return;
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      const result = await api.request(RequestsPageLogDocument, { filter, first: PAGE_SIZE, after: cursor });
      const next = result.requestLog;
      setOlder((current) => ({
        entries: [...(current?.entries ?? []), ...next.nodes],
        cursor: next.pageInfo.endCursor,
        hasMore: next.pageInfo.hasNextPage,
      }));
    } catch (caught) {
      setOlderError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setLoadingOlder(false);
    }
  }, [cursor, filter]);

  const entries = useMemo(() => {
    // A request can be both in a page and in the tail (it arrived while the page loaded): keep the first.
    const ids = new Set<string>();
    const merged: Entry[] = [];
    for (const entry of [...tail, ...(page?.nodes ?? []), ...(older?.entries ?? [])]) {
      if (ids.has(entry.requestId)) continue;
      ids.add(entry.requestId);
      merged.push(entry);
    }
    return merged;
  }, [tail, page, older]);

  const fresh = useMemo(() => new Set(tail.map((entry) => entry.requestId)), [tail]);
  const clearDropped = useCallback(() => setDropped(0), []);

  return {
    entries,
    fresh,
    hasMore,
    loadOlder,
    loadingOlder,
    olderError,
    dropped,
    clearDropped,
    liveError,
  };
}
