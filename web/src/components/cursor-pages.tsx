// Page-by-page browsing of a connection (first/after): remembers the cursors walked so "Previous" can go back.
import { Button, Group, Text } from '@mantine/core';
import { useCallback, useState } from 'react';

export interface CursorPages {
  /** Variables for the connection's query. */
  variables: { first: number; after?: string };
  page: number;
  next: (endCursor: string | null | undefined) => void;
  previous: () => void;
  /** Back to the first page, after a change that may move rows between pages. */
  reset: () => void;
}

/** A connection's page info, as the queries select it. */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export function useCursorPages(pageSize: number): CursorPages {
  // The cursor each visited page started after; the first page starts at the beginning.
  const [cursors, setCursors] = useState<readonly string[]>([]);
  const after = cursors.at(-1);
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setCursors((current) => [...current, endCursor]);
  }, []);
  const previous = useCallback(() => setCursors((current) => current.slice(0, -1)), []);
  // Already on the first page: the same state, so nothing renders again.
  const reset = useCallback(() => setCursors((current) => (current.length === 0 ? current : [])), []);
  return {
    variables: after === undefined ? { first: pageSize } : { first: pageSize, after },
    page: cursors.length + 1,
    next,
    previous,
    reset,
  };
}

export function Pager(props: { pages: CursorPages; pageInfo: PageInfo | undefined; label: string }) {
  const { pages, pageInfo } = props;
  // One page and nothing more: the buttons would only be noise.
  if (pages.page === 1 && !pageInfo?.hasNextPage) return null;
  return (
    <Group justify="flex-end" gap="xs" mt="sm" aria-label={`${props.label} pages`} role="navigation">
      <Text size="sm" c="dimmed">
        Page {pages.page}
      </Text>
      <Button size="xs" variant="default" disabled={pages.page === 1} onClick={pages.previous}>
        Previous
      </Button>
      <Button
        size="xs"
        variant="default"
        disabled={!pageInfo?.hasNextPage}
        onClick={() => pages.next(pageInfo?.endCursor)}
      >
        Next
      </Button>
    </Group>
  );
}

/**
 * Full-size "Previous"/"Next" buttons: at the right (`end`), or spread apart as "Previous page"/"Next page"
 * (`spread`, with the page number between them when `showPage`), held while the page loads.
 */
export function PageButtons(props: {
  pages: CursorPages;
  pageInfo: PageInfo | undefined;
  layout: 'end' | 'spread';
  loading?: boolean;
  showPage?: boolean;
}) {
  const { pages, pageInfo, layout } = props;
  const loading = props.loading ?? false;
  if (pages.page === 1 && !pageInfo?.hasNextPage) return null;
  const spread = layout === 'spread';
  return (
    <Group justify={spread ? 'space-between' : 'flex-end'} mt={spread ? 'sm' : 'md'}>
      <Button variant="default" disabled={pages.page === 1 || loading} onClick={pages.previous}>
        {spread ? 'Previous page' : 'Previous'}
      </Button>
      {props.showPage ? (
        <Text size="sm" c="dimmed">
          Page {pages.page}
        </Text>
      ) : null}
      <Button
        variant="default"
        disabled={!pageInfo?.hasNextPage || !pageInfo.endCursor || loading}
        onClick={() => pages.next(pageInfo?.endCursor)}
      >
        {spread ? 'Next page' : 'Next'}
      </Button>
    </Group>
  );
}
