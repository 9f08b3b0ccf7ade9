// One channel: its settings (managers edit them in place, test and delete it) and its delivery log.
import {
  DeleteNotificationChannelDocument,
  NotificationChannelDocument,
} from '@clients/generated/graphql/graphql';
import { Anchor, Button, Paper, SimpleGrid, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { ConfirmDelete } from '../../components/confirm-delete';
import { DataState, PageHeader } from '../../components/page';
import { ChannelForm } from './channel-form';
import { KIND_LABELS } from './channel-kinds';
import { ChannelSettingsCard } from './channel-settings-card';
import { TestButton, TestOutcomeNotice, useChannelTest } from './channel-test';
import { DeliveryLog } from './delivery-log';

export default function ChannelPage() {
  const id = useParams().id ?? '';
  const manage = can(useRole(), 'manage');
  const navigate = useNavigate();
  const query = useQuery(NotificationChannelDocument, { id }, { skip: id === '' });
  const channel = query.data?.notificationChannel;
  const tester = useChannelTest();
  const remove = useMutation(DeleteNotificationChannelDocument);
  const [deleting, setDeleting] = useState(false);
  // Bumped after a test settles, so the delivery log shows its attempt.
  const [logVersion, setLogVersion] = useState(0);

  const onDelete = async () => {
    if (await remove.run({ id })) navigate('/channels', { replace: true });
  };

  return (
    <>
      <Anchor component={Link} to="/channels" size="sm">
        ← All channels
      </Anchor>
      <PageHeader
        title={channel?.name ?? 'Channel'}
        description={channel ? `${KIND_LABELS[channel.kind]} channel` : undefined}
        actions={
          manage && channel ? (
            <>
              <TestButton
                name={channel.name}
                testing={tester.testingId === channel.id}
                busy={tester.testingId !== undefined}
                onClick={() => void tester.run(channel, () => setLogVersion((current) => current + 1))}
              />
              <Button
                size="xs"
                variant="light"
                color="red"
                onClick={() => {
                  remove.reset();
                  setDeleting(true);
                }}
              >
                Delete
              </Button>
            </>
          ) : null
        }
      />
      <TestOutcomeNotice outcome={tester.outcome} error={tester.error} onClose={tester.dismiss} />
      <DataState
        loading={query.loading}
        error={query.error}
        retry={() => void query.reload()}
        hasData={channel !== undefined}
      >
        {channel ? (
          <>
            <SimpleGrid cols={{ base: 1, lg: manage ? 2 : 1 }} spacing="md">
              <ChannelSettingsCard channel={channel} />
              {manage ? (
                <Paper withBorder p="md">
                  <Title order={3} size="h4" mb="sm">
                    Edit settings
                  </Title>
                  <ChannelForm
                    // Saved: a fresh form from the stored settings, with the typed secrets gone.
                    key={channel.updatedAt}
                    channel={channel}
                    onSaved={() => void query.reload()}
                  />
                </Paper>
              ) : null}
            </SimpleGrid>
            <DeliveryLog key={logVersion} channelId={channel.id} manage={manage} />
          </>
        ) : null}
      </DataState>
      <ConfirmDelete
        subject={deleting && channel ? `channel "${channel.name}"` : undefined}
        consequence="Its delivery log goes with it. Alert rules naming it skip it from then on."
        running={remove.running}
        error={remove.error}
        onConfirm={() => void onDelete()}
        onCancel={() => setDeleting(false)}
      />
    </>
  );
}
