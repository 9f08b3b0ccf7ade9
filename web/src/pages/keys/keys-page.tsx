// Role: the API keys page — every key for readers (members: their own, as the server scopes it), creating a
// key with all its settings, and showing its plaintext once.
import {
  type CreateApiKeyInput,
  KeysPageCreateDocument,
  KeysPageListDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Group, Modal, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { PageButtons, useCursorPages } from '../../components/cursor-pages';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { type IssuedKey, IssuedKeyModal } from './issued-key-modal';
import { KeyForm } from './key-form';
import { emptyKeyForm } from './key-form-values';
import { KeysTable } from './keys-table';
import { type Owners, useOwners } from './use-owners';

const PAGE_SIZE = 50;

function OwnerFilter(props: { owners: Owners; value: string; onChange: (ownerId: string) => void }) {
  const { field } = props.owners;
  if (field.kind === 'select') {
    return (
      <Select
        label="Filter by owner"
        placeholder="Everyone"
        data={field.options}
        value={props.value || null}
        onChange={(ownerId) => props.onChange(ownerId ?? '')}
        searchable
        clearable
        w={220}
      />
    );
  }
  return (
    <TextInput
      label="Filter by owner id"
      placeholder="Everyone"
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value.trim())}
      w={220}
    />
  );
}

export default function KeysPage() {
  const role = useRole();
  const member = role === 'member';
  const mayCreate = can(role, 'manage_own_keys');
  const owners = useOwners();
  const [ownerId, setOwnerId] = useState('');
  // Typing an owner id asks the server once the typing stops, not once per character.
  const [ownerQuery] = useDebouncedValue(ownerId, 400);
  const pages = useCursorPages(PAGE_SIZE);
  const list = useQuery(KeysPageListDocument, {
    ...pages.variables,
    ...(ownerQuery ? { ownerId: ownerQuery } : {}),
  });
  const create = useMutation(KeysPageCreateDocument);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedKey | undefined>();

  const openCreate = () => {
    create.reset();
    setCreating(true);
  };
  const submit = async (input: CreateApiKeyInput) => {
    const result = await create.run({ input });
    if (!result) return;
    setCreating(false);
    setIssued({
      name: result.createApiKey.key.name,
      plaintext: result.createApiKey.plaintext,
      rotated: false,
    });
    pages.reset();
    void list.reload();
  };

  const keys = list.data?.apiKeys.nodes ?? [];
  const pageInfo = list.data?.apiKeys.pageInfo;
  const createButton = mayCreate ? <Button onClick={openCreate}>Create key</Button> : null;

  return (
    <>
      <PageHeader
        title={member ? 'My keys' : 'API keys'}
        description={
          member
            ? 'The relay keys you own, their limits and usage.'
            : 'Relay keys, their restrictions and limits. A key’s full value is shown only when it is created or rotated.'
        }
        actions={createButton}
      />
      {member ? null : (
        <Group mb="md" align="flex-end">
          <OwnerFilter
            owners={owners}
            value={ownerId}
            onChange={(value) => {
              setOwnerId(value);
              pages.reset();
            }}
          />
        </Group>
      )}
      <DataState
        loading={list.loading}
        error={list.error}
        retry={list.reload}
        hasData={list.data !== undefined}
      >
        {keys.length === 0 ? (
          <EmptyState title={ownerId ? 'This owner has no keys' : 'No keys yet'}>
            {mayCreate
              ? 'Create a key with the “Create key” button, then give it to the client that calls the relay.'
              : 'Keys appear here once an operator or admin creates one with the “Create key” button.'}
          </EmptyState>
        ) : (
          <KeysTable keys={keys} ownerName={owners.nameOf} showOwner={!member} />
        )}
        <PageButtons pages={pages} pageInfo={pageInfo} layout="end" />
      </DataState>
      <Modal opened={creating} onClose={() => setCreating(false)} title="Create key" size="xl">
        <KeyForm
          mode="create"
          initial={emptyKeyForm()}
          memberOnly={member}
          owner={owners.field}
          running={create.running}
          error={create.error}
          fieldErrors={create.fieldErrors}
          submitLabel="Create the key"
          onSubmit={submit}
          onCancel={() => setCreating(false)}
        />
      </Modal>
      <IssuedKeyModal issued={issued} onClose={() => setIssued(undefined)} />
    </>
  );
}
