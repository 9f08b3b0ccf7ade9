// Role: the managed settings page — readers see Claude Code's managed settings for everyone, each role, user
// group and user, in merge order; admins add, edit and delete them.
import {
  ManagedSettingsPageDeleteDocument,
  ManagedSettingsPagePoliciesDocument,
  ManagedSettingsPageUserNamesDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Modal, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { RequireAbility } from '../../app/layout';
import { can } from '../../app/permissions';
import { useSession } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { ConfirmDelete } from '../../components/confirm-delete';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { ManagedSettingsHelp } from './managed-settings-help';
import { PolicyCard } from './policy-card';
import { PolicyForm } from './policy-form';
import { type Policy, scopeInput, scopeKey, scopeTitle, sortPolicies } from './settings-json';

export default function ManagedSettingsPage() {
  return (
    <RequireAbility ability="read_all">
      <ManagedSettings />
    </RequireAbility>
  );
}

function ManagedSettings() {
  const session = useSession();
  const canEdit = can(session?.user.role, 'manage_managed_settings');
  const policies = useQuery(ManagedSettingsPagePoliciesDocument, {});
  const userNames = useQuery(ManagedSettingsPageUserNamesDocument, {});
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Policy | undefined>();
  const remove = useMutation(ManagedSettingsPageDeleteDocument);

  const rows = userNames.data?.effectiveSpend;
  const names = useMemo(() => new Map((rows ?? []).map((row) => [row.userId, row.username])), [rows]);
  const nameOf = (userId: string) => names.get(userId) ?? userId;
  const users = [...names].map(([value, label]) => ({ value, label }));
  const list = sortPolicies(policies.data?.managedSettingsPolicies ?? [], nameOf);
  const groups = list.flatMap((policy) => (policy.scope.group ? [policy.scope.group] : []));
  const existing = new Set(list.map((policy) => scopeKey(scopeInput(policy.scope))));

  const confirmDelete = async () => {
    if (!deleting) return;
    if (await remove.run({ scope: scopeInput(deleting.scope) })) {
      setDeleting(undefined);
      void policies.reload();
    }
  };

  return (
    <Stack gap="lg">
      <PageHeader
        title="Managed settings"
        description={
          canEdit
            ? 'Settings Claude Code runs with on devices signed in to this relay, per everyone, role, user group or user.'
            : 'Settings Claude Code runs with on devices signed in to this relay. Only admins can change them.'
        }
        actions={canEdit ? <Button onClick={() => setAdding(true)}>Add policy</Button> : undefined}
      />
      <ManagedSettingsHelp />
      <DataState
        loading={policies.loading}
        error={policies.error}
        retry={() => void policies.reload()}
        hasData={policies.data !== undefined}
      >
        {list.length === 0 ? (
          <EmptyState title="No managed settings">
            Signed-in devices get no managed settings (the relay answers 404).{' '}
            {canEdit ? 'Add a policy for everyone to start.' : 'An admin can add one.'}
          </EmptyState>
        ) : (
          <Stack gap="md">
            {list.map((policy) => (
              <PolicyCard
                key={`${scopeKey(scopeInput(policy.scope))}@${policy.updatedAt}`}
                policy={policy}
                nameOf={nameOf}
                canEdit={canEdit}
                onSaved={() => void policies.reload()}
                onDelete={(chosen) => {
                  remove.reset();
                  setDeleting(chosen);
                }}
              />
            ))}
          </Stack>
        )}
      </DataState>
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a managed settings policy" size="lg">
        {adding ? (
          <PolicyForm
            users={users}
            groups={[...new Set(groups)]}
            existing={existing}
            onCancel={() => setAdding(false)}
            onSaved={() => {
              setAdding(false);
              void policies.reload();
            }}
          />
        ) : null}
      </Modal>
      <ConfirmDelete
        subject={deleting ? `the policy for ${scopeTitle(deleting.scope, nameOf)}` : undefined}
        consequence={
          <Text span size="sm">
            Devices stop getting these settings on their next poll; the other policies that apply to a person
            still do.
          </Text>
        }
        running={remove.running}
        error={remove.error}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(undefined)}
      />
    </Stack>
  );
}
