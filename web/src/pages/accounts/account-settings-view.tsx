// An account's settings, read-only (secrets are never shown; only that the proxy has a user).
import type { AccountsPageSettingsFragment } from '@clients/generated/graphql/graphql';
import { Badge, Code, Group, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatTime } from '../../components/format';
import { ACCOUNT_KINDS, kindLabel } from './account-kinds';

function Row(props: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={200} scope="row">
        {props.label}
      </Table.Th>
      <Table.Td>{props.children}</Table.Td>
    </Table.Tr>
  );
}

function None() {
  return (
    <Text size="sm" c="dimmed" span>
      none
    </Text>
  );
}

export function AccountSettingsView(props: { account: AccountsPageSettingsFragment }) {
  const { account } = props;
  const kind = ACCOUNT_KINDS[account.type];
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          <Row label="Type">
            {kindLabel(account.type)} <Badge variant="default">{account.platform}</Badge>
          </Row>
          <Row label="Description">{account.description || <None />}</Row>
          <Row label="Base URL">
            <Code>{account.baseUrl}</Code>
          </Row>
          {kind.credential !== 'oauth' ? <Row label="Auth header">{account.authHeader}</Row> : null}
          {account.type === 'bedrock' ? <Row label="Region">{account.region ?? <None />}</Row> : null}
          {account.type === 'azure_openai' ? (
            <>
              <Row label="API version">{account.apiVersion ?? 'v1 (default)'}</Row>
              <Row label="Deployments">
                {account.deployments.length === 0 ? (
                  <Text size="sm">Each model goes to the deployment of its name.</Text>
                ) : (
                  account.deployments.map((pair) => (
                    <Text size="sm" key={pair.model}>
                      {pair.model} → {pair.deployment}
                    </Text>
                  ))
                )}
              </Row>
            </>
          ) : null}
          {account.type === 'gemini_oauth' ? (
            <Row label="Google Cloud project">{account.projectId ?? 'found by Code Assist'}</Row>
          ) : null}
          <Row label="Priority">{account.priority} (lower is used first)</Row>
          <Row label="Weight">{account.weight}</Row>
          <Row label="Max concurrency">
            {account.maxConcurrency === 0 ? 'no limit' : account.maxConcurrency}
          </Row>
          <Row label="Schedulable">{account.schedulable ? 'yes' : 'no: no new requests are sent to it'}</Row>
          <Row label="Dedicated">{account.dedicated ? 'yes: serves only keys bound to it' : 'no'}</Row>
          <Row label="Supported models">
            {account.supportedModels.length === 0 ? (
              <Text size="sm">any model of its pool</Text>
            ) : (
              <Group gap={4}>
                {account.supportedModels.map((model) => (
                  <Badge key={model} variant="light" tt="none">
                    {model}
                  </Badge>
                ))}
              </Group>
            )}
          </Row>
          <Row label="Model mapping">
            {account.modelMapping.length === 0 ? (
              <None />
            ) : (
              account.modelMapping.map((pair) => (
                <Text size="sm" key={pair.from}>
                  {pair.from} → {pair.to}
                </Text>
              ))
            )}
          </Row>
          <Row label="Proxy">
            {account.proxy ? (
              <Code>
                {account.proxy.protocol}://{account.proxy.username ? `${account.proxy.username}@` : ''}
                {account.proxy.host}:{account.proxy.port}
              </Code>
            ) : (
              <None />
            )}
          </Row>
          <Row label="Created">{formatTime(account.createdAt)}</Row>
          <Row label="Updated">{formatTime(account.updatedAt)}</Row>
          <Row label="ID">
            <Code>{account.id}</Code>
          </Row>
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
