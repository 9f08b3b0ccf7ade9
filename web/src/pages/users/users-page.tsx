// Role: the users page — admins list, create and change users (role, groups, access); every role can change
// its own password here too.
import { UsersPageListDocument } from '@clients/generated/graphql/graphql';
import { Button, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { can } from '../../app/permissions';
import { useSession } from '../../app/session';
import { useQuery } from '../../app/use-graphql';
import { PageButtons, useCursorPages } from '../../components/cursor-pages';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { ChangePasswordForm } from './change-password-form';
import { UserCreateForm } from './user-create-form';
import { UsersTable } from './users-table';

const PAGE_SIZE = 100;

function MyPassword() {
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={4} mb="sm">
        Change my password
      </Title>
      <ChangePasswordForm />
    </Paper>
  );
}

function UserAdministration(props: { meId: string | undefined }) {
  const pages = useCursorPages(PAGE_SIZE);
  const list = useQuery(UsersPageListDocument, pages.variables);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | undefined>();
  const users = list.data?.users.nodes ?? [];
  const pageInfo = list.data?.users.pageInfo;

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in to this dashboard, what their role lets them do, and the groups that pick their spend limits and managed settings. Changing a user’s role or access ends their sessions; changing their groups does not."
        actions={
          <Button
            onClick={() => {
              setCreated(undefined);
              setCreating(true);
            }}
          >
            Create user
          </Button>
        }
      />
      {created ? (
        <Text size="sm" c="teal" role="status" mb="sm">
          User {created} created. Give them their password; they can change it after signing in.
        </Text>
      ) : null}
      <DataState
        loading={list.loading}
        error={list.error}
        retry={list.reload}
        hasData={list.data !== undefined}
      >
        {users.length === 0 ? (
          <EmptyState title="No users on this page">
            Create a user with the “Create user” button: give operators, viewers and members their own
            sign-in.
          </EmptyState>
        ) : (
          <UsersTable users={users} meId={props.meId} onChanged={() => void list.reload()} />
        )}
        <PageButtons pages={pages} pageInfo={pageInfo} layout="end" />
      </DataState>
      <Modal opened={creating} onClose={() => setCreating(false)} title="Create user">
        <UserCreateForm
          onCancel={() => setCreating(false)}
          onCreated={(username) => {
            setCreating(false);
            setCreated(username);
            pages.reset();
            void list.reload();
          }}
        />
      </Modal>
    </>
  );
}

export default function UsersPage() {
  const session = useSession();
  const role = session?.user.role;
  if (!can(role, 'manage_users')) {
    return (
      <Stack gap="lg">
        <PageHeader title="Users" />
        <Text>
          Your role ({role ?? 'unknown'}) cannot manage users; only admins can. You can change your own
          password.
        </Text>
        <MyPassword />
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      <div>
        <UserAdministration meId={session?.user.id} />
      </div>
      <MyPassword />
    </Stack>
  );
}
