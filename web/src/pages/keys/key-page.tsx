// Role: one API key's page — its usage against each limit, recent usage, its settings (editable by managers and
// by the member who owns it), and switching, rotating and deleting it.
import {
  type CreateApiKeyInput,
  KeysPageKeyDocument,
  type KeysPageKeyFieldsFragment,
  KeysPageUpdateDocument,
} from '@clients/generated/graphql/graphql';
import { Anchor, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can } from '../../app/permissions';
import { useSession } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { formatTime } from '../../components/format';
import { DataState, PageHeader } from '../../components/page';
import { type IssuedKey, IssuedKeyModal } from './issued-key-modal';
import { KeyActions } from './key-actions';
import { KeyForm } from './key-form';
import { keyFormOf } from './key-form-values';
import { KeyLimitsUsage } from './key-limits-usage';
import { restrictionFacts } from './key-summary';
import { KeyUsageChart } from './key-usage-chart';
import { type Owners, useOwners } from './use-owners';

type Key = KeysPageKeyFieldsFragment;

function KeyFacts(props: { apiKey: Key }) {
  return (
    <Table variant="vertical" layout="fixed" withTableBorder>
      <Table.Tbody>
        {restrictionFacts(props.apiKey).map((fact) => (
          <Table.Tr key={fact.label}>
            <Table.Th w={160}>{fact.label}</Table.Th>
            <Table.Td style={{ wordBreak: 'break-word' }}>{fact.value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function KeySettings(props: { apiKey: Key; memberOnly: boolean; owners: Owners; onSaved: () => void }) {
  const update = useMutation(KeysPageUpdateDocument);
  const [saved, setSaved] = useState(false);
  const submit = async (input: CreateApiKeyInput) => {
    setSaved(false);
    const result = await update.run({ id: props.apiKey.id, input });
    if (!result) return;
    setSaved(true);
    props.onSaved();
  };
  return (
    <>
      <KeyForm
        // Started once per key: reloading the key after a save or a switch must not wipe unsaved edits.
        key={props.apiKey.id}
        mode="edit"
        initial={keyFormOf(props.apiKey)}
        memberOnly={props.memberOnly}
        owner={props.memberOnly ? { kind: 'none' } : props.owners.field}
        running={update.running}
        error={update.error}
        fieldErrors={update.fieldErrors}
        submitLabel="Save settings"
        onSubmit={(input) => void submit(input)}
      />
      {saved && !update.running ? (
        <Text size="sm" c="teal" role="status" mt="xs">
          Settings saved.
        </Text>
      ) : null}
    </>
  );
}

export default function KeyPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const role = session?.user.role;
  const navigate = useNavigate();
  const owners = useOwners();
  const query = useQuery(KeysPageKeyDocument, { id }, { skip: !id });
  const [issued, setIssued] = useState<IssuedKey | undefined>();
  // Bumped after every change, so the limit usage reloads with the key.
  const [revision, setRevision] = useState(0);
  const apiKey = query.data?.apiKey;
  const member = role === 'member';
  const mayEdit =
    can(role, 'manage') || (member && apiKey !== undefined && apiKey.ownerId === session?.user.id);
  const changed = () => {
    setRevision((old) => old + 1);
    void query.reload();
  };

  return (
    <>
      <Anchor component={Link} to="/keys" size="sm">
        ← {member ? 'My keys' : 'All keys'}
      </Anchor>
      <DataState
        loading={query.loading}
        error={query.error}
        retry={query.reload}
        hasData={apiKey !== undefined}
      >
        {apiKey ? (
          <Stack gap="lg" mt="xs">
            <PageHeader
              title={apiKey.name}
              description={
                <>
                  <Code>{apiKey.hint}</Code>
                  {member ? '' : ` · owner ${owners.nameOf(apiKey.ownerId)}`} · created{' '}
                  {formatTime(apiKey.createdAt)}
                  {apiKey.description ? ` · ${apiKey.description}` : ''}
                </>
              }
              actions={
                mayEdit ? (
                  <KeyActions
                    apiKey={apiKey}
                    onChanged={changed}
                    onRotated={(result) => {
                      setIssued({ name: result.key.name, plaintext: result.plaintext, rotated: true });
                      changed();
                    }}
                    onDeleted={() => navigate('/keys', { replace: true })}
                  />
                ) : (
                  <Text size="sm" c="dimmed">
                    {apiKey.enabled ? 'Enabled' : 'Disabled'} · read-only
                  </Text>
                )
              }
            />
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <KeyLimitsUsage
                keyId={apiKey.id}
                refreshToken={revision ? String(revision) : undefined}
                maySetLimits={can(role, 'manage')}
              />
              <KeyUsageChart keyId={apiKey.id} />
            </SimpleGrid>
            <Paper withBorder p="md" radius="md">
              <Title order={4} mb="sm">
                Restrictions and limits
              </Title>
              <KeyFacts apiKey={apiKey} />
            </Paper>
            {mayEdit ? (
              <Paper withBorder p="md" radius="md">
                <Group justify="space-between" mb="sm">
                  <Title order={4}>Settings</Title>
                  <Text size="xs" c="dimmed">
                    Last changed {formatTime(apiKey.updatedAt)}
                  </Text>
                </Group>
                <KeySettings apiKey={apiKey} memberOnly={member} owners={owners} onSaved={changed} />
              </Paper>
            ) : null}
          </Stack>
        ) : null}
      </DataState>
      <IssuedKeyModal issued={issued} onClose={() => setIssued(undefined)} />
    </>
  );
}
