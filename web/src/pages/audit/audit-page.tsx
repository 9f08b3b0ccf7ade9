// Readers (the server answers admins only): who did what to what, newest first, filtered from the URL.

import { AuditPageLogDocument } from '@clients/generated/graphql/graphql';
import { RelayGraphQLError } from '@clients/graphql-client';
import { Autocomplete, Button, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { RequireAbility } from '../../app/layout';
import { useRole } from '../../app/session';
import { useQuery } from '../../app/use-graphql';
import { DataState, EmptyState, ErrorNotice, PageHeader } from '../../components/page';
import { type AuditRow, AuditTable } from './audit-table';

const PAGE_SIZE = 50;
const FIELDS = ['action', 'actor', 'target'] as const;
type AuditField = (typeof FIELDS)[number];
type AuditFilter = Partial<Record<AuditField, string>>;

/** The actions' families: an action ending in "." matches every action of its family. */
const ACTION_PREFIXES = [
  'account.',
  'alert_rule.',
  'api_key.',
  'auth.',
  'channel.',
  'group.',
  'pricing.',
  'request_log.',
  'user.',
];

export default function AuditPage() {
  return (
    <RequireAbility ability="read_audit">
      <AuditLog />
    </RequireAbility>
  );
}

function AuditLog() {
  const [params, setParams] = useSearchParams();
  const filter: AuditFilter = {};
  for (const field of FIELDS) {
    const value = params.get(field)?.trim();
    if (value) filter[field] = value;
  }
  const apply = (next: AuditFilter) => {
    const search = new URLSearchParams();
    for (const field of FIELDS) {
      const value = next[field]?.trim();
      if (value) search.set(field, value);
    }
    setParams(search);
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what, newest first: keys, accounts, users, prices, sign-ins and body readings."
      />
      <AuditFilterForm key={params.toString()} initial={filter} onApply={apply} />
      <AuditList
        key={JSON.stringify(filter)}
        filter={filter}
        onFilter={(field, value) => apply({ ...filter, [field]: value })}
        onClear={() => apply({})}
      />
    </>
  );
}

function AuditFilterForm(props: { initial: AuditFilter; onApply: (filter: AuditFilter) => void }) {
  const [values, setValues] = useState(props.initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onApply(values);
  };
  return (
    <form onSubmit={submit} aria-label="Filter the audit log">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Autocomplete
          label="Action"
          description='Exact, or a family ending in "." (api_key.)'
          data={ACTION_PREFIXES}
          value={values.action ?? ''}
          onChange={(action) => setValues((current) => ({ ...current, action }))}
        />
        <TextInput
          label="Actor"
          description='A user id, or "system"'
          value={values.actor ?? ''}
          onChange={(event) => {
            const actor = event.currentTarget.value;
            setValues((current) => ({ ...current, actor }));
          }}
        />
        <TextInput
          label="Target"
          description="The id or name acted on"
          value={values.target ?? ''}
          onChange={(event) => {
            const target = event.currentTarget.value;
            setValues((current) => ({ ...current, target }));
          }}
        />
      </SimpleGrid>
      <Group mt="sm" gap="xs">
        <Button type="submit">Apply filters</Button>
        <Button
          variant="default"
          onClick={() => {
            setValues({});
            props.onApply({});
          }}
        >
          Clear
        </Button>
      </Group>
    </form>
  );
}

/** One filter's entries: the newest page, then older pages on demand (mounted afresh per filter). */
function AuditList(props: {
  filter: AuditFilter;
  onFilter: (field: AuditField, value: string) => void;
  onClear: () => void;
}) {
  const role = useRole();
  const first = useQuery(AuditPageLogDocument, { ...props.filter, first: PAGE_SIZE });
  const [older, setOlder] = useState<{ rows: AuditRow[]; cursor: string | null; hasMore: boolean }>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<Error | undefined>();
  const page = first.data?.auditLog;
  const cursor = older ? older.cursor : (page?.pageInfo.endCursor ?? null);
  const hasMore = older ? older.hasMore : (page?.pageInfo.hasNextPage ?? false);
  const { filter } = props;
  const loadOlder = useCallback(async () => {
    if (!cursor) return;
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      const next = (await api.request(AuditPageLogDocument, { ...filter, first: PAGE_SIZE, after: cursor }))
        .auditLog;
      setOlder((current) => ({
        rows: [...(current?.rows ?? []), ...next.nodes],
        cursor: next.pageInfo.endCursor,
        hasMore: next.pageInfo.hasNextPage,
      }));
    } catch (caught) {
      setOlderError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setLoadingOlder(false);
    }
  }, [cursor, filter]);

  if (first.error instanceof RelayGraphQLError && first.error.code === 'PERMISSION_DENIED') {
    return (
      <Text c="dimmed" mt="md">
        The server keeps the audit log for admins; your role ({role}) cannot read it.
      </Text>
    );
  }
  const rows = [...(page?.nodes ?? []), ...(older?.rows ?? [])];
  const filtered = Object.keys(props.filter).length > 0;
  return (
    <Stack gap="md" mt="md">
      <Group justify="flex-end">
        <Button variant="default" onClick={() => void first.reload()} loading={first.loading}>
          Refresh
        </Button>
      </Group>
      <DataState
        loading={first.loading}
        error={first.error}
        retry={() => void first.reload()}
        hasData={page !== undefined}
      >
        {rows.length === 0 ? (
          filtered ? (
            <EmptyState
              title="No entries match these filters"
              action={
                <Button variant="light" onClick={props.onClear}>
                  Clear filters
                </Button>
              }
            >
              Check the spelling, or end an action with "." to match its whole family.
            </EmptyState>
          ) : (
            <EmptyState title="Nothing recorded yet">
              Changes to keys, accounts, users, prices and channels are recorded here as they are made.
            </EmptyState>
          )
        ) : (
          <div>
            <AuditTable rows={rows} onFilter={props.onFilter} />
            {olderError ? <ErrorNotice error={olderError} retry={() => void loadOlder()} /> : null}
            {hasMore ? (
              <Group justify="center" mt="md">
                <Button variant="default" onClick={() => void loadOlder()} loading={loadingOlder}>
                  Load older
                </Button>
              </Group>
            ) : null}
          </div>
        )}
      </DataState>
    </Stack>
  );
}
