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

export function useCursorPages(pageSize: number): CursorPages {
  // The cursor each visited page started after; the first page starts at the beginning.
  const [cursors, setCursors] = useState<readonly string[]>([]);
  const after = cursors.at(-1);
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setCursors((current) => [...current, endCursor]);
  }, []);
  const previous = useCallback(() => setCursors((current) => current.slice(0, -1)), []);
  const reset = useCallback(() => setCursors([]), []);
  return {
    variables: after === undefined ? { first: pageSize } : { first: pageSize, after },
    page: cursors.length + 1,
    next,
    previous,
    reset,
  };
}

export function Pager(props: {
  pages: CursorPages;
  pageInfo: { hasNextPage: boolean; endCursor: string | null } | undefined;
  label: string;
}) {
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
