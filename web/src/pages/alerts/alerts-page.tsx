// The Alerts page: alert rules (managers create, edit, switch and delete them) and the history of their firings.
import {
  type AlertRuleSummaryFragment,
  AlertRulesDocument,
  DeleteAlertRuleDocument,
  NotificationChannelsDocument,
  UpdateAlertRuleDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Modal } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { ConfirmDelete } from '../../components/confirm-delete';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { DataState, EmptyState, ErrorNotice, PageHeader } from '../../components/page';
import { AlertHistory } from './alert-history';
import { AlertRuleForm } from './alert-rule-form';
import { AlertRulesTable } from './alert-rules-table';

/** The form's state: closed, a new rule, or one rule being edited. */
type Editing = { rule: AlertRuleSummaryFragment | undefined } | undefined;

/** Every channel for the picker and the table's names; the API serves at most 500 a page. */
const ALL_CHANNELS = { first: 500 };

export default function AlertsPage() {
  const manage = can(useRole(), 'manage');
  const pages = useCursorPages(25);
  const rules = useQuery(AlertRulesDocument, pages.variables);
  const channelsQuery = useQuery(NotificationChannelsDocument, ALL_CHANNELS);
  const channels = channelsQuery.data?.notificationChannels.nodes ?? [];
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<AlertRuleSummaryFragment | undefined>();
  const [togglingId, setTogglingId] = useState<string | undefined>();
  const toggle = useMutation(UpdateAlertRuleDocument);
  const remove = useMutation(DeleteAlertRuleDocument);
  const list = rules.data?.alertRules.nodes ?? [];

  const onToggle = async (rule: AlertRuleSummaryFragment, enabled: boolean) => {
    setTogglingId(rule.id);
    const saved = await toggle.run({ id: rule.id, input: { enabled } });
    setTogglingId(undefined);
    if (saved) await rules.reload();
  };

  const onDelete = async () => {
    if (!deleting) return;
    const deleted = await remove.run({ id: deleting.id });
    if (deleted) {
      setDeleting(undefined);
      // The page may now be empty (or a row may move up from the next one): start over from the first page.
      pages.reset();
      await rules.reload();
    }
  };

  const newRule = manage ? (
    // Held back while the channels load, so the form's channel picker is complete (not when they failed).
    <Button
      onClick={() => setEditing({ rule: undefined })}
      disabled={!channelsQuery.data && !channelsQuery.error}
    >
      New rule
    </Button>
  ) : undefined;

  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules watch accounts, keys, error rates, latency and spend, and notify channels when they fire."
        actions={newRule}
      />
      {toggle.error ? <ErrorNotice error={toggle.error} title="The rule was not switched" /> : null}
      {channelsQuery.error ? (
        <ErrorNotice
          error={channelsQuery.error}
          title="Channels could not be loaded"
          retry={() => void channelsQuery.reload()}
        />
      ) : null}
      <DataState
        loading={rules.loading}
        error={rules.error}
        retry={() => void rules.reload()}
        hasData={rules.data !== undefined}
      >
        {list.length === 0 && pages.page === 1 ? (
          <RulesEmptyState manage={manage} hasChannels={channels.length > 0} />
        ) : (
          <AlertRulesTable
            rules={list}
            channels={channels}
            manage={manage}
            togglingId={togglingId}
            onToggle={(rule, enabled) => void onToggle(rule, enabled)}
            onEdit={(rule) => setEditing({ rule })}
            onDelete={(rule) => {
              remove.reset();
              setDeleting(rule);
            }}
          />
        )}
        <Pager pages={pages} pageInfo={rules.data?.alertRules.pageInfo} label="Alert rules" />
      </DataState>
      <AlertHistory />
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={editing?.rule ? `Edit ${editing.rule.name}` : 'New alert rule'}
        size="lg"
      >
        {editing ? (
          <AlertRuleForm
            // A fresh form for each rule opened, so no values carry over from the previous one.
            key={editing.rule?.id ?? 'new'}
            rule={editing.rule}
            channels={channels}
            onCancel={() => setEditing(undefined)}
            onSaved={() => {
              setEditing(undefined);
              void rules.reload();
            }}
          />
        ) : null}
      </Modal>
      <ConfirmDelete
        subject={deleting ? `rule "${deleting.name}"` : undefined}
        consequence="The rule stops watching at once. Its past events stay in the alert history."
        running={remove.running}
        error={remove.error}
        onConfirm={() => void onDelete()}
        onCancel={() => setDeleting(undefined)}
      />
    </>
  );
}

function RulesEmptyState(props: { manage: boolean; hasChannels: boolean }) {
  if (!props.manage) {
    return (
      <EmptyState title="No alert rules yet">
        An admin or operator can create rules here; they will show with their state and channels.
      </EmptyState>
    );
  }
  if (!props.hasChannels) {
    return (
      <EmptyState
        title="No alert rules yet"
        action={
          <Button component={Link} to="/channels" variant="light">
            Create a channel
          </Button>
        }
      >
        Create a channel first (a webhook, Slack, Telegram, email…), then a rule that notifies it. A rule
        without channels only records its events in the history below.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No alert rules yet">
      Use "New rule" to be told when an account fails, a key nears its limit, errors or latency rise, or spend
      jumps.
    </EmptyState>
  );
}
