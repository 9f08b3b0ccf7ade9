// A key's use of each of its limits, read on the key page and refreshed while it is open.
import { KeysPageLimitsDocument } from '@clients/generated/graphql/graphql';
import { Paper, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useEffect } from 'react';
import { useQuery } from '../../app/use-graphql';
import { KeyLimitsView } from '../../components/key-limits';
import { DataState } from '../../components/page';

const REFRESH_MS = 15_000;

export function KeyLimitsUsage(props: { keyId: string; refreshToken?: string; maySetLimits: boolean }) {
  const query = useQuery(KeysPageLimitsDocument, { id: props.keyId });
  const { reload } = query;
  useInterval(() => void reload(), REFRESH_MS, { autoInvoke: true });
  // The key's settings changed (a save, a rotation): its limits may have too.
  useEffect(() => {
    if (props.refreshToken) void reload();
  }, [props.refreshToken, reload]);
  const usage = query.data?.apiKeyLimits;
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={4} mb="sm">
        Usage against limits
      </Title>
      <DataState loading={query.loading} error={query.error} retry={reload} hasData={usage !== undefined}>
        {usage ? (
          <KeyLimitsView
            usage={usage}
            noLimits={
              props.maySetLimits
                ? 'Set some under Settings to cap its spend, rate or concurrency.'
                : 'An operator or admin can set some.'
            }
          />
        ) : null}
      </DataState>
    </Paper>
  );
}
