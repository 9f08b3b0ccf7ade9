// Readers: this instance's status (Redis, counts, rollup lag, settle queue, unpriced usage, background jobs),
// refreshed every 10 seconds while the tab is visible.
import { SystemPageStatusDocument } from '@clients/generated/graphql/graphql';
import { Badge, Button, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { RequireAbility } from '../../app/layout';
import { useQuery } from '../../app/use-graphql';
import { formatTime } from '../../components/format';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { JobsTable } from './jobs-table';
import { StatusCards } from './status-cards';

const REFRESH_MS = 10_000;

export default function SystemPage() {
  return (
    <RequireAbility ability="read_all">
      <SystemStatus />
    </RequireAbility>
  );
}

function SystemStatus() {
  const status = useQuery(SystemPageStatusDocument, {});
  const [updatedAt, setUpdatedAt] = useState<number | undefined>();
  const { reload, data } = status;

  useEffect(() => {
    // A hidden tab has no one to show it to: it skips its turns and catches up when shown again.
    const timer = window.setInterval(() => {
      if (!document.hidden) void reload();
    }, REFRESH_MS);
    const onVisible = () => {
      if (!document.hidden) void reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);

  useEffect(() => {
    if (data) setUpdatedAt(Date.now());
  }, [data]);

  const jobs = data?.systemStatus.jobs ?? [];
  const failing = jobs.filter((job) => job.lastError !== null).length;
  const now = updatedAt ?? Date.now();
  return (
    <>
      <PageHeader
        title="System"
        description={
          updatedAt
            ? `Updated ${formatTime(updatedAt)}; refreshes every ${REFRESH_MS / 1000} s.`
            : `Refreshes every ${REFRESH_MS / 1000} s.`
        }
        actions={
          <>
            {data ? (
              <Badge
                size="lg"
                variant="light"
                color={failing > 0 ? 'red' : 'green'}
                data-testid="system-health"
                data-degraded={failing > 0 ? 'true' : 'false'}
              >
                {failing > 0 ? `Degraded: ${failing} ${failing === 1 ? 'job' : 'jobs'} failing` : 'Healthy'}
              </Badge>
            ) : null}
            <Button variant="default" onClick={() => void reload()} loading={status.loading}>
              Refresh
            </Button>
          </>
        }
      />
      <DataState
        loading={status.loading}
        error={status.error}
        retry={() => void reload()}
        hasData={data !== undefined}
      >
        {data ? (
          <Stack gap="lg">
            <StatusCards status={data.systemStatus} server={data.serverInfo} now={now} />
            <div>
              <Title order={3} mb="xs">
                Background jobs
              </Title>
              {failing > 0 ? (
                <Text size="sm" c="red" mb="xs">
                  A failing job does not stop this instance serving requests, but what it does (rollups,
                  archive, alerts) falls behind until its next success.
                </Text>
              ) : null}
              {jobs.length === 0 ? (
                <EmptyState title="No background jobs on this instance">
                  Jobs start with the relay; if this stays empty, check the server's log for startup errors.
                </EmptyState>
              ) : (
                <JobsTable jobs={jobs} now={now} />
              )}
            </div>
          </Stack>
        ) : null}
      </DataState>
    </>
  );
}
