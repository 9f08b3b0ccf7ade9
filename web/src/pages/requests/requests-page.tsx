// Any signed-in user: the request log (members: their own keys' requests, without accounts), filtered from
// the URL, paged back in time, and tailed live.

import { type RequestLogFilter, RequestsPageLogDocument } from '@clients/generated/graphql/graphql';
import { RelayGraphQLError } from '@clients/graphql-client';
import { Alert, Button, Group, Stack, Switch, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { fieldName, useQuery } from '../../app/use-graphql';
import { DataState, EmptyState, ErrorNotice, PageHeader } from '../../components/page';
import { FilterBar } from './filter-bar';
import {
  emptyValues,
  FILTER_FIELDS,
  type FilterField,
  filterFromValues,
  paramsFromValues,
  valuesFromParams,
} from './request-filter';
import { RequestTable } from './request-table';
import { PAGE_SIZE, useRequestLog } from './use-request-log';

export default function RequestsPage() {
  const role = useRole();
  const reader = can(role, 'read_all');
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => valuesFromParams(params), [params]);
  const filter = useMemo(() => filterFromValues(values, reader), [values, reader]);
  const [live, setLive] = useState(true);
  const [filterError, setFilterError] = useState<Error | undefined>();

  return (
    <>
      <PageHeader
        title={reader ? 'Request log' : 'My requests'}
        description={
          reader
            ? 'Every relayed request, newest first. Filters are kept in the address, so a filtered view can be shared.'
            : 'The requests made with your keys, newest first.'
        }
      />
      <FilterBar
        // A new address (back button, a shared link) resets the form to what the address says.
        key={params.toString()}
        initial={values}
        reader={reader}
        errors={filterErrors(filterError)}
        onApply={(next) => setParams(paramsFromValues(next))}
      />
      <RequestLogView
        // Pages and live entries belong to one filter: a new filter starts the list afresh.
        key={JSON.stringify(filter)}
        filter={filter}
        live={live}
        onLiveChange={setLive}
        reader={reader}
        onError={setFilterError}
        onClear={() => setParams(paramsFromValues(emptyValues()))}
      />
    </>
  );
}

function RequestLogView(props: {
  filter: RequestLogFilter;
  live: boolean;
  onLiveChange: (live: boolean) => void;
  reader: boolean;
  onError: (error: Error | undefined) => void;
  onClear: () => void;
}) {
  const first = useQuery(RequestsPageLogDocument, { filter: props.filter, first: PAGE_SIZE });
  const rows = useRequestLog(props.filter, first, props.live);
  const { onError } = props;
  useEffect(() => onError(first.error), [first.error, onError]);
  const filtered = Object.keys(props.filter).length > 0;
  // A field the server refused is marked in the form; the list and the tail would only repeat it.
  const refused = Object.keys(filterErrors(first.error)).length > 0;
  return (
    <Stack gap="md" mt="md">
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Switch
            label="Live tail"
            checked={props.live}
            onChange={(event) => props.onLiveChange(event.currentTarget.checked)}
          />
          <Text size="xs" c="dimmed">
            {props.live
              ? 'New requests matching the filters appear at the top as they are logged.'
              : 'Off: refresh to see new requests.'}
          </Text>
        </Group>
        <Button variant="default" onClick={() => void first.reload()} loading={first.loading}>
          Refresh
        </Button>
      </Group>
      {refused ? (
        <Alert color="red" title="These filters were refused" role="alert">
          Correct the marked field and apply the filters again.
        </Alert>
      ) : rows.liveError ? (
        <ErrorNotice title="The live tail stopped" error={rows.liveError} />
      ) : null}
      {rows.dropped > 0 ? (
        <Alert color="yellow" title="Some live entries were skipped" role="status">
          <Group gap="sm">
            <Text size="sm">
              The live tail fell behind and the server skipped {rows.dropped}{' '}
              {rows.dropped === 1 ? 'entry' : 'entries'}. Refresh to load every entry.
            </Text>
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                rows.clearDropped();
                void first.reload();
              }}
            >
              Refresh
            </Button>
          </Group>
        </Alert>
      ) : null}
      {refused ? null : (
        <DataState
          loading={first.loading}
          error={first.error}
          retry={() => void first.reload()}
          hasData={first.data !== undefined}
        >
          {rows.entries.length === 0 ? (
            filtered ? (
              <EmptyState
                title="No requests match these filters"
                action={
                  <Button variant="light" onClick={props.onClear}>
                    Clear filters
                  </Button>
                }
              >
                Widen the time range or remove a filter.
                {props.live ? ' Matching requests will appear here live.' : ''}
              </EmptyState>
            ) : (
              <EmptyState title="No requests yet">
                Requests appear here as clients use relay keys: create a key on the{' '}
                {props.reader ? 'API keys' : 'My keys'} page and point a client at this relay.
                {props.live ? ' This list updates live.' : ''}
              </EmptyState>
            )
          ) : (
            <div>
              <RequestTable entries={rows.entries} showAccount={props.reader} fresh={rows.fresh} />
              {rows.olderError ? (
                <ErrorNotice error={rows.olderError} retry={() => void rows.loadOlder()} />
              ) : null}
              <Group justify="center" mt="md">
                {rows.hasMore ? (
                  <Button variant="default" onClick={() => void rows.loadOlder()} loading={rows.loadingOlder}>
                    Load older
                  </Button>
                ) : (
                  <Text size="sm" c="dimmed">
                    {rows.entries.length} {rows.entries.length === 1 ? 'request' : 'requests'}; none older.
                  </Text>
                )}
              </Group>
            </div>
          )}
        </DataState>
      )}
    </Stack>
  );
}

/** The filter field the server refused, beside its input (the form's cost is in dollars, the API's micros). */
function filterErrors(error: Error | undefined): Partial<Record<FilterField, string>> {
  if (!(error instanceof RelayGraphQLError)) return {};
  const field = fieldName(error.field)?.replace(/^filter\./, '');
  const formField = field === 'minCostMicros' ? 'minCostUsd' : field;
  const match = FILTER_FIELDS.find((candidate) => candidate === formField);
  if (!match) return {};
  const message = error.message.startsWith(`${field}: `)
    ? error.message.slice(`${field}: `.length)
    : error.message;
  return { [match]: message };
}
