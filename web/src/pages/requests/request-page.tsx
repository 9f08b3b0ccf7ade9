// Any signed-in user: one request-log entry with its failed-over attempts; admins and operators may also
// read its captured bodies.

import { RequestsPageEntryDetailDocument } from '@clients/generated/graphql/graphql';
import { RelayGraphQLError } from '@clients/graphql-client';
import { Anchor, Button, CopyButton, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useQuery } from '../../app/use-graphql';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { CapturedBodies } from './captured-bodies';
import { AttemptsTable, EntryDetails } from './entry-details';

export default function RequestPage() {
  const requestId = useParams().requestId ?? '';
  const role = useRole();
  const reader = can(role, 'read_all');
  const detail = useQuery(RequestsPageEntryDetailDocument, { requestId }, { skip: requestId === '' });
  const notFound = detail.error instanceof RelayGraphQLError && detail.error.code === 'NOT_FOUND';
  const back = (
    <Anchor component={Link} to="/requests" size="sm">
      ← {reader ? 'Request log' : 'My requests'}
    </Anchor>
  );

  if (notFound) {
    return (
      <>
        {back}
        <PageHeader title="Request not found" />
        <EmptyState title={`No request ${requestId} in the request log`}>
          It may be older than the log keeps, the id may be mistyped, or it was made with a key you cannot
          see.
        </EmptyState>
      </>
    );
  }

  const entry = detail.data?.requestLogEntry.entry;
  const attempts = detail.data?.requestLogEntry.attempts ?? [];
  return (
    <>
      {back}
      <PageHeader
        title="Request"
        description={
          <Text span ff="monospace" size="sm">
            {requestId}
          </Text>
        }
        actions={
          <CopyButton value={requestId}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy}>
                {copied ? 'Copied' : 'Copy request id'}
              </Button>
            )}
          </CopyButton>
        }
      />
      <DataState
        loading={detail.loading}
        error={detail.error}
        retry={() => void detail.reload()}
        hasData={entry !== undefined}
      >
        {entry ? (
          <Stack gap="lg">
            <EntryDetails entry={entry} showAccount={reader} />
            <div>
              <Title order={3} mb="xs">
                Failed-over attempts
              </Title>
              {attempts.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None: the first account tried gave this answer.
                </Text>
              ) : (
                <AttemptsTable attempts={attempts} showAccount={reader} />
              )}
            </div>
            {can(role, 'read_bodies') ? <CapturedBodies requestId={entry.requestId} /> : null}
          </Stack>
        ) : null}
      </DataState>
    </>
  );
}
