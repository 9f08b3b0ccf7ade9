// An example admin script: signs in, adds an upstream account, issues a relay key and reads today's usage,
// once through the generated GraphQL client and once through the tRPC client. Run it against a relay:
//   RELAY_URL=http://127.0.0.1:3000 ADMIN_PASSWORD=… UPSTREAM_URL=https://api.anthropic.com \
//   UPSTREAM_API_KEY=sk-ant-… node --import tsx clients/examples/admin.ts graphql|trpc
import {
  CreateAccountDocument,
  CreateApiKeyDocument,
  LoginDocument,
  UsageSeriesDocument,
} from '../generated/graphql/graphql.js';
import { createRelayGraphQLClient } from '../graphql-client.js';
import { createRelayTrpcClient } from '../trpc.js';

export interface AdminScriptOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** The upstream the new account sends requests to, and its API key. */
  upstreamUrl: string;
  upstreamApiKey: string;
  /** Names the account and key, so runs can be told apart. */
  label: string;
}

export interface AdminScriptResult {
  accountId: string;
  keyId: string;
  /** The new relay key: shown once, at creation. */
  plaintextKey: string;
  usageToday: { requests: number; costUsd: number };
}

function bearer(accessToken: string): Record<string, string> {
  return accessToken ? { authorization: `Bearer ${accessToken}` } : {};
}

function today(): { from: string; to: string } {
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  return { from: start.toISOString(), to: new Date().toISOString() };
}

export async function withGraphQL(options: AdminScriptOptions): Promise<AdminScriptResult> {
  let accessToken = '';
  const client = createRelayGraphQLClient(options.baseUrl, () => bearer(accessToken));
  const { login } = await client.request(LoginDocument, {
    username: options.username,
    password: options.password,
  });
  accessToken = login.accessToken;
  const { createAccount } = await client.request(CreateAccountDocument, {
    input: {
      name: `${options.label} account`,
      type: 'claude_console',
      baseUrl: options.upstreamUrl,
      credentials: { apiKey: options.upstreamApiKey },
    },
  });
  const { createApiKey } = await client.request(CreateApiKeyDocument, {
    input: { name: `${options.label} key`, limits: { concurrency: 4 } },
  });
  const { usageSeries } = await client.request(UsageSeriesDocument, {
    dimension: 'global',
    granularity: 'day',
    ...today(),
  });
  return {
    accountId: createAccount.id,
    keyId: createApiKey.key.id,
    plaintextKey: createApiKey.plaintext,
    usageToday: { requests: usageSeries.totals.requests, costUsd: usageSeries.totals.costUsd },
  };
}

export async function withTrpc(options: AdminScriptOptions): Promise<AdminScriptResult> {
  let accessToken = '';
  const client = createRelayTrpcClient(options.baseUrl, () => bearer(accessToken));
  const session = await client.auth.login.mutate({ username: options.username, password: options.password });
  accessToken = session.accessToken;
  const account = await client.accounts.create.mutate({
    name: `${options.label} account`,
    type: 'claude-console',
    baseUrl: options.upstreamUrl,
    credentials: { apiKey: options.upstreamApiKey },
  });
  const issued = await client.apiKeys.create.mutate({
    name: `${options.label} key`,
    limits: { concurrency: 4 },
  });
  const { from, to } = today();
  const usage = await client.usage.series.query({
    dimension: 'global',
    granularity: 'day',
    from: Date.parse(from),
    to: Date.parse(to),
  });
  return {
    accountId: account.id,
    keyId: issued.key.id,
    plaintextKey: issued.plaintext,
    usageToday: { requests: usage.totals.requests, costUsd: usage.totals.costMicros / 1_000_000 },
  };
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'graphql';
  const env = (name: string, fallback?: string) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`set ${name}`);
    return value;
  };
  const options: AdminScriptOptions = {
    baseUrl: env('RELAY_URL', 'http://127.0.0.1:3000'),
    username: env('ADMIN_USERNAME', 'admin'),
    password: env('ADMIN_PASSWORD'),
    upstreamUrl: env('UPSTREAM_URL', 'https://api.anthropic.com'),
    upstreamApiKey: env('UPSTREAM_API_KEY'),
    label: `example ${new Date().toISOString()}`,
  };
  const result = which === 'trpc' ? await withTrpc(options) : await withGraphQL(options);
  // The plaintext key is the script's output: the one moment it can be copied.
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
