// An azure-openai account's settings through the control plane: GraphQL and tRPC create and update take its
// api-version and deployments, read them back, and refuse bad values naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import { ADMIN_PASSWORD, dataOf, errorOf, graphql, signIn } from '../support/graphql.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const FIELDS =
  'id type platform baseUrl authHeader apiVersion deployments { model deployment } modelMapping { from to }';
const CREATE = `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${FIELDS} } }`;

describe('azure-openai settings over GraphQL and tRPC', () => {
  let relay: TestRelay;
  let token: string;
  let trpc: RelayTrpcClient;

  beforeAll(async () => {
    relay = await startTestRelay();
    token = await signIn(relay, 'admin', ADMIN_PASSWORD);
    trpc = createRelayTrpcClient(relay.url, () => ({ authorization: `Bearer ${token}` }));
  });
  afterAll(async () => {
    await relay.stop();
  });

  it('creates and updates an account with its api-version and deployments over GraphQL', async () => {
    const created = await graphql(relay, { token }, CREATE, {
      input: {
        type: 'azure_openai',
        name: 'contoso',
        baseUrl: 'https://contoso.openai.azure.com',
        apiVersion: '2024-10-21',
        deployments: [
          { model: 'gpt-4o', deployment: 'prod-4o' },
          { model: 'gpt-4.1', deployment: 'prod-41' },
        ],
        credentials: { apiKey: 'azure-key' },
      },
    });
    const account = dataOf<{ id: string }>(created, 'createAccount');
    expect(account).toEqual({
      id: account.id,
      type: 'azure_openai',
      platform: 'azure',
      baseUrl: 'https://contoso.openai.azure.com',
      authHeader: 'x-api-key',
      apiVersion: '2024-10-21',
      deployments: [
        { model: 'gpt-4o', deployment: 'prod-4o' },
        { model: 'gpt-4.1', deployment: 'prod-41' },
      ],
      modelMapping: [],
    });

    const updated = await graphql(relay, { token }, UPDATE, {
      id: account.id,
      input: {
        apiVersion: 'v1',
        authHeader: 'bearer',
        deployments: [{ model: 'gpt-4o', deployment: 'eu-4o' }],
      },
    });
    expect(dataOf(updated, 'updateAccount')).toMatchObject({
      apiVersion: 'v1',
      authHeader: 'bearer',
      deployments: [{ model: 'gpt-4o', deployment: 'eu-4o' }],
    });

    const [badVersion, twice, badName] = await Promise.all([
      graphql(relay, { token }, UPDATE, { id: account.id, input: { apiVersion: '2024' } }),
      graphql(relay, { token }, UPDATE, {
        id: account.id,
        input: {
          deployments: [
            { model: 'gpt-4o', deployment: 'a' },
            { model: 'gpt-4o', deployment: 'b' },
          ],
        },
      }),
      graphql(relay, { token }, UPDATE, {
        id: account.id,
        input: { deployments: [{ model: 'gpt-4o', deployment: 'a/b' }] },
      }),
    ]);
    expect(errorOf(badVersion)?.message).toContain('apiVersion: must be an Azure OpenAI api-version');
    expect(errorOf(twice)?.message).toBe('deployments.1.model: gpt-4o is mapped already');
    expect(errorOf(badName)?.message).toContain('deployments.gpt-4o: must be an Azure deployment name');
  });

  it('creates and updates an account with its api-version and deployments over tRPC', async () => {
    const account = await trpc.accounts.create.mutate({
      type: 'azure-openai',
      name: 'fabrikam',
      baseUrl: 'https://fabrikam.openai.azure.com/',
      apiVersion: 'preview',
      deployments: { 'gpt-4o-mini': 'mini' },
      credentials: { apiKey: 'azure-key' },
    });
    expect(account).toMatchObject({
      type: 'azure-openai',
      platform: 'azure',
      baseUrl: 'https://fabrikam.openai.azure.com',
      apiVersion: 'preview',
      deployments: { 'gpt-4o-mini': 'mini' },
    });
    const updated = await trpc.accounts.update.mutate({
      id: account.id,
      apiVersion: '2025-04-01-preview',
      deployments: {},
    });
    expect(updated).toMatchObject({ apiVersion: '2025-04-01-preview', deployments: {} });
    const refused = await refusal(trpc.accounts.update.mutate({ id: account.id, apiVersion: 'v2' }));
    expect(refused.message).toContain('must be an Azure OpenAI api-version');
  });
});
