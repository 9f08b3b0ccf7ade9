// Role: the devices page — devices signed in through the gateway sign-in (Claude Code's /login), the user's own
// or, for admins, everyone's with a user filter; each can be revoked (signed out) after a confirmation.
import {
  DevicesPageKeyNamesDocument,
  DevicesPageListDocument,
  DevicesPageRevokeDocument,
  UsersPageListDocument,
} from '@clients/generated/graphql/graphql';
import { Code, Group, Select, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { relayOrigin } from '../../app/api';
import { can } from '../../app/permissions';
import { useSession } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageButtons, useCursorPages } from '../../components/cursor-pages';
import { formatTime } from '../../components/format';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { surfaceName } from './device-text';
import { type Device, DevicesTable } from './devices-table';

const PAGE_SIZE = 50;
/** Key names for the key column come from one list; a key beyond it shows its id. */
const KEY_NAME_LIMIT = 500;
const USER_LIMIT = 200;

/** Admins: usernames for the user column and filter (only admins may list users). */
function useUserNames(enabled: boolean, me: string | undefined) {
  const users = useQuery(UsersPageListDocument, { first: USER_LIMIT }, { skip: !enabled });
  const nodes = users.data?.users.nodes;
  return useMemo(() => {
    const names = new Map((nodes ?? []).map((user) => [user.id, user.username]));
    return {
      options: (nodes ?? []).map((user) => ({ value: user.id, label: user.username })),
      nameOf: (userId: string) => (userId === me ? 'you' : (names.get(userId) ?? userId)),
    };
  }, [nodes, me]);
}

export default function DevicesPage() {
  const session = useSession();
  const me = session?.user.id;
  const everyone = can(session?.user.role, 'manage_all_devices');
  const users = useUserNames(everyone, me);
  const [userId, setUserId] = useState('');
  const pages = useCursorPages(PAGE_SIZE);
  const list = useQuery(DevicesPageListDocument, { ...pages.variables, ...(userId ? { userId } : {}) });
  // Whose keys name the key column: the user shown; an admin looking at everyone pages through every key.
  const keyOwner = everyone ? userId : me;
  const keys = useQuery(DevicesPageKeyNamesDocument, {
    first: KEY_NAME_LIMIT,
    ...(keyOwner ? { ownerId: keyOwner } : {}),
  });
  const keyNodes = keys.data?.apiKeys.nodes;
  const keyName = useMemo(() => {
    const names = new Map((keyNodes ?? []).map((key) => [key.id, key.name]));
    return (keyId: string) => names.get(keyId);
  }, [keyNodes]);

  const revoke = useMutation(DevicesPageRevokeDocument);
  const [revoking, setRevoking] = useState<Device | undefined>();
  const [revoked, setRevoked] = useState<string | undefined>();
  const confirmRevoke = async () => {
    if (!revoking) return;
    const result = await revoke.run({ id: revoking.id });
    if (!result) return;
    setRevoked(`${surfaceName(revoking.surface)} signed in ${formatTime(revoking.createdAt)}`);
    setRevoking(undefined);
    void list.reload();
  };

  const devices = list.data?.gatewayDevices.nodes ?? [];
  return (
    <>
      <PageHeader
        title={everyone ? 'Devices' : 'My devices'}
        description={
          everyone
            ? 'Devices signed in to this relay with /login in Claude Code, for every user. Revoking one signs it out at once.'
            : 'Devices you signed in to this relay with /login in Claude Code. Revoking one signs it out at once.'
        }
      />
      {everyone ? (
        <Group mb="md" align="flex-end">
          <Select
            label="Filter by user"
            placeholder="Everyone"
            data={users.options}
            value={userId || null}
            onChange={(value) => {
              setUserId(value ?? '');
              pages.reset();
            }}
            searchable
            clearable
            w={220}
          />
        </Group>
      ) : null}
      {revoked ? (
        <Text size="sm" c="teal" role="status" mb="sm">
          Revoked: {revoked}. It must sign in again with /login to use the relay.
        </Text>
      ) : null}
      <DataState
        loading={list.loading}
        error={list.error}
        retry={list.reload}
        hasData={list.data !== undefined}
      >
        {devices.length === 0 ? (
          <EmptyState title={userId ? 'This user has no signed-in devices' : 'No signed-in devices'}>
            A device appears here once it signs in: run /login in Claude Code and choose Cloud gateway, with
            this relay’s URL (<Code>{relayOrigin}</Code>). Then approve the code on the page it opens.
          </EmptyState>
        ) : (
          <DevicesTable
            devices={devices}
            keyName={keyName}
            userName={everyone ? users.nameOf : undefined}
            onRevoke={(device) => {
              revoke.reset();
              setRevoked(undefined);
              setRevoking(device);
            }}
          />
        )}
        <PageButtons pages={pages} pageInfo={list.data?.gatewayDevices.pageInfo} layout="end" />
      </DataState>
      <ConfirmModal
        opened={revoking !== undefined}
        title="Revoke this device?"
        confirmLabel="Revoke device"
        running={revoke.running}
        error={revoke.error}
        onConfirm={() => void confirmRevoke()}
        onClose={() => setRevoking(undefined)}
      >
        {revoking
          ? `${surfaceName(revoking.surface)}${revoking.address ? ` at ${revoking.address}` : ''} is signed out at once: its next request is refused and it must sign in again with /login. The key it used stays as it is.`
          : null}
      </ConfirmModal>
    </>
  );
}
