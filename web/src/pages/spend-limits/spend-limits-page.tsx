// Role: the spend limits page — readers see the caps per user and per user group and everyone's standing
// against them; managers (admins, operators) add, change and delete caps; members see only their own standing.
import {
  SpendLimitsPageDeleteDocument,
  SpendLimitsPageEffectiveDocument,
  SpendLimitsPageLimitsDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Modal, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { ConfirmDelete } from '../../components/confirm-delete';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { EffectiveSpendTable } from './effective-spend-table';
import { SpendLimitForm } from './spend-limit-form';
import { SpendLimitsTable } from './spend-limits-table';
import { formatCents, type SpendLimit, scopeLabel, sortLimits } from './spend-text';

const HOW_IT_WORKS =
  'Caps on what a person spends per day, week or month across all their keys and signed-in devices. A person’s own limit for a period replaces their groups’; among their groups the largest cap applies. Once the cap is reached the next request is refused until the period resets.';

/** Editing: a limit to change, or `{}` for a new one. */
type Editing = { limit?: SpendLimit } | undefined;

export default function SpendLimitsPage() {
  const role = useRole();
  const reader = can(role, 'read_all');
  const canManage = can(role, 'manage');
  const limits = useQuery(SpendLimitsPageLimitsDocument, {}, { skip: !reader });
  const effective = useQuery(SpendLimitsPageEffectiveDocument, {});
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<SpendLimit | undefined>();
  const remove = useMutation(SpendLimitsPageDeleteDocument);

  const rows = effective.data?.effectiveSpend;
  const names = useMemo(() => {
    const map = new Map<string, string>();
    for (const row of rows ?? []) map.set(row.userId, row.username);
    return map;
  }, [rows]);
  const nameOf = (userId: string) => names.get(userId) ?? userId;
  const users = [...names].map(([value, label]) => ({ value, label }));
  const list = sortLimits(limits.data?.spendLimits ?? [], nameOf);
  const groups = [...new Set(list.flatMap((limit) => (limit.scope.group ? [limit.scope.group] : [])))];

  const reload = () => {
    void limits.reload();
    void effective.reload();
  };
  const confirmDelete = async () => {
    if (!deleting) return;
    if (await remove.run({ id: deleting.id })) {
      setDeleting(undefined);
      reload();
    }
  };

  return (
    <Stack gap="lg">
      <PageHeader
        title={reader ? 'Spend limits' : 'My spend'}
        description={
          reader
            ? HOW_IT_WORKS
            : 'What you have spent this day, week and month across all your keys and signed-in devices, against the caps that apply to you. Once a cap is reached your requests are refused until it resets.'
        }
        actions={
          canManage ? (
            <Button
              onClick={() => {
                remove.reset();
                setEditing({});
              }}
            >
              Add limit
            </Button>
          ) : undefined
        }
      />
      {reader ? (
        <div>
          <Title order={3} mb="xs">
            Limits
          </Title>
          <DataState
            loading={limits.loading}
            error={limits.error}
            retry={() => void limits.reload()}
            hasData={limits.data !== undefined}
          >
            {list.length === 0 ? (
              <EmptyState title="No spend limits">
                Nobody is capped: people spend what their keys’ own limits allow.{' '}
                {canManage
                  ? 'Add a limit for a user group (a default for its members) or for one user.'
                  : 'An admin or operator can add one.'}
              </EmptyState>
            ) : (
              <SpendLimitsTable
                limits={list}
                nameOf={nameOf}
                canManage={canManage}
                onEdit={(limit) => setEditing({ limit })}
                onDelete={(limit) => {
                  remove.reset();
                  setDeleting(limit);
                }}
              />
            )}
          </DataState>
        </div>
      ) : null}
      <div>
        <Title order={3} mb={4}>
          {reader ? 'Effective spend' : 'This period'}
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          {reader
            ? 'For each person and period: the cap that applies, where it comes from, and what they spent so far.'
            : 'The cap that applies to you for each period, where it comes from, and what you spent so far.'}
        </Text>
        <DataState
          loading={effective.loading}
          error={effective.error}
          retry={() => void effective.reload()}
          hasData={rows !== undefined}
        >
          {rows && rows.length > 0 ? (
            <EffectiveSpendTable rows={rows} showUser={reader} />
          ) : (
            <EmptyState title="No one to show" />
          )}
        </DataState>
      </div>
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={editing?.limit ? 'Change spend limit' : 'Add spend limit'}
      >
        {editing ? (
          <SpendLimitForm
            key={editing.limit?.id ?? 'new'}
            initial={editing.limit}
            users={users}
            groups={groups}
            onCancel={() => setEditing(undefined)}
            onSaved={() => {
              setEditing(undefined);
              reload();
            }}
          />
        ) : null}
      </Modal>
      <ConfirmDelete
        subject={
          deleting ? `the ${deleting.period} limit of ${scopeLabel(deleting.scope, nameOf)}` : undefined
        }
        consequence={deleting ? deleteConsequence(deleting) : null}
        running={remove.running}
        error={remove.error}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(undefined)}
      />
    </Stack>
  );
}

function deleteConsequence(limit: SpendLimit): string {
  const what =
    limit.amountCents === null
      ? 'This explicit “no cap” stops applying at once'
      : `The cap of ${formatCents(limit.amountCents)} stops applying at once`;
  const after =
    limit.scope.type === 'group'
      ? 'members fall back to their other groups’ caps, if any'
      : 'the user falls back to their groups’ caps, if any';
  return `${what}; ${after}.`;
}
