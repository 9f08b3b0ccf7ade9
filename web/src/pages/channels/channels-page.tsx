// The Channels page: where alerts are sent. Managers create, switch, test, edit and delete channels.
import {
  DeleteNotificationChannelDocument,
  NotificationChannelsDocument,
  UpdateNotificationChannelDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Modal } from '@mantine/core';
import { useState } from 'react';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { ConfirmDelete } from '../../components/confirm-delete';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { DataState, EmptyState, ErrorNotice, PageHeader } from '../../components/page';
import { ChannelForm } from './channel-form';
import type { Channel } from './channel-kinds';
import { TestOutcomeNotice, useChannelTest } from './channel-test';
import { ChannelsTable } from './channels-table';
import { SigningSecretModal } from './signing-secret-modal';

/** The form's state: closed, a new channel, or one channel being edited. */
type Editing = { channel: Channel | undefined } | undefined;

export default function ChannelsPage() {
  const manage = can(useRole(), 'manage');
  const pages = useCursorPages(25);
  const channels = useQuery(NotificationChannelsDocument, pages.variables);
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<Channel | undefined>();
  const [created, setCreated] = useState<{ name: string; secret: string } | undefined>();
  const [togglingId, setTogglingId] = useState<string | undefined>();
  const [version, setVersion] = useState(0);
  const toggle = useMutation(UpdateNotificationChannelDocument);
  const remove = useMutation(DeleteNotificationChannelDocument);
  const tester = useChannelTest();
  const list = channels.data?.notificationChannels.nodes ?? [];

  const onToggle = async (channel: Channel, enabled: boolean) => {
    setTogglingId(channel.id);
    const saved = await toggle.run({ id: channel.id, input: { enabled } });
    setTogglingId(undefined);
    if (saved) await channels.reload();
  };

  const onDelete = async () => {
    if (!deleting) return;
    if (await remove.run({ id: deleting.id })) {
      setDeleting(undefined);
      pages.reset();
      await channels.reload();
    }
  };

  const newChannel = manage ? (
    <Button onClick={() => setEditing({ channel: undefined })}>New channel</Button>
  ) : null;

  return (
    <>
      <PageHeader
        title="Channels"
        description="Where alert rules send their notifications: webhooks, chat apps, Bark and email."
        actions={newChannel}
      />
      <TestOutcomeNotice outcome={tester.outcome} error={tester.error} onClose={tester.dismiss} />
      {toggle.error ? <ErrorNotice error={toggle.error} title="The channel was not switched" /> : null}
      <DataState
        loading={channels.loading}
        error={channels.error}
        retry={() => void channels.reload()}
        hasData={channels.data !== undefined}
      >
        {list.length === 0 && pages.page === 1 ? (
          <EmptyState title="No channels yet">
            {manage
              ? 'Use "New channel" to add a webhook, Slack, Telegram, email… and send it a test; then add an alert rule that notifies it on the Alerts page.'
              : 'An admin or operator can add channels here; alert rules then notify them.'}
          </EmptyState>
        ) : (
          <ChannelsTable
            channels={list}
            manage={manage}
            version={version}
            testingId={tester.testingId}
            togglingId={togglingId}
            onTest={(channel) => void tester.run(channel, () => setVersion((current) => current + 1))}
            onToggle={(channel, enabled) => void onToggle(channel, enabled)}
            onEdit={(channel) => setEditing({ channel })}
            onDelete={(channel) => {
              remove.reset();
              setDeleting(channel);
            }}
          />
        )}
        <Pager pages={pages} pageInfo={channels.data?.notificationChannels.pageInfo} label="Channels" />
      </DataState>
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={editing?.channel ? `Edit ${editing.channel.name}` : 'New channel'}
        size="lg"
      >
        {editing ? (
          <ChannelForm
            key={editing.channel?.id ?? 'new'}
            channel={editing.channel}
            onCancel={() => setEditing(undefined)}
            onSaved={(saved) => {
              setEditing(undefined);
              if (saved.signingSecret) setCreated({ name: saved.channel.name, secret: saved.signingSecret });
              void channels.reload();
            }}
          />
        ) : null}
      </Modal>
      <SigningSecretModal
        secret={created?.secret}
        channelName={created?.name ?? ''}
        onClose={() => setCreated(undefined)}
      />
      <ConfirmDelete
        subject={deleting ? `channel "${deleting.name}"` : undefined}
        consequence="Its delivery log goes with it. Alert rules naming it skip it from then on."
        running={remove.running}
        error={remove.error}
        onConfirm={() => void onDelete()}
        onCancel={() => setDeleting(undefined)}
      />
    </>
  );
}
