// The request log end to end: what a relayed request records (formats, client, owner, attempts, error text),
// one request with its failover chain, filters over GraphQL, and body capture (per key, redacted, managers
// only, audited).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import {
  ADMIN_PASSWORD,
  dataOf,
  errorOf,
  graphql,
  type SignedInUser,
  signedInUser,
  signIn,
} from '../support/graphql.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const ENTRY_FIELDS = `requestId keyId userId accountId platform clientFormat upstreamFormat clientKind model
  outcome status attempts errorCode errorMessage latencyMs`;

interface Entry {
  requestId: string;
  keyId: string;
  userId: string | null;
  accountId: string | null;
  clientFormat: string;
  upstreamFormat: string | null;
  clientKind: string | null;
  outcome: string;
  status: number;
  attempts: number;
  errorMessage: string | null;
}

describe('request log', () => {
  let failing: FakeUpstream;
  let healthy: FakeUpstream;
  let relay: TestRelay;
  let admin: string;
  let member: SignedInUser;
  let capturedKey: { id: string; plaintext: string };
  let plainKey: { id: string; plaintext: string };
  let failingId: string;
  let healthyId: string;

  beforeAll(async () => {
    failing = await startFakeUpstream();
    healthy = await startFakeUpstream();
    relay = await startTestRelay({ env: { OVERLOAD_COOLDOWN_MS: '60000' } });
    failingId = (await createClaudeAccount(relay, failing.url, { name: 'A', priority: 1 })).id;
    healthyId = (await createClaudeAccount(relay, healthy.url, { name: 'B', priority: 2 })).id;
    admin = await signIn(relay, 'admin', ADMIN_PASSWORD);
    member = await signedInUser(relay, 'mia', 'member');
    const captured = await createKey(relay, { name: 'captured', ownerId: member.id, bodyCapture: 'on' });
    capturedKey = { id: captured.key.id, plaintext: captured.plaintext };
    const plain = await createKey(relay, { name: 'plain' });
    plainKey = { id: plain.key.id, plaintext: plain.plaintext };
  });
  afterAll(async () => {
    await relay.stop();
    await failing.close();
    await healthy.close();
  });

  const query = async <T>(token: string, document: string, field: string, variables = {}) =>
    dataOf<T>(await graphql(relay, { token }, document, variables), field);

  it('records formats, client, owner and the failover chain, and finds the request with its attempts', async () => {
    failing.setDefault({ status: 529, errorType: 'overloaded_error', errorMessage: 'Overloaded' });
    // An OpenAI Chat client asking for a Claude model: translated into Anthropic's format for the pool.
    const openai = new OpenAI({ apiKey: capturedKey.plaintext, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const secret = 'sk-ant-api03-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
    const { response } = await openai.chat.completions
      .create({
        model: 'claude-haiku-4-5',
        max_tokens: 16,
        messages: [{ role: 'user', content: `remember my key ${secret} please` }],
      })
      .withResponse();
    const requestId = response.headers.get('x-request-id') ?? '';
    await settled(relay);

    const detail = await query<{ entry: Entry; attempts: Entry[] }>(
      admin,
      `query ($id: String!) { requestLogEntry(requestId: $id) {
        entry { ${ENTRY_FIELDS} } attempts { ${ENTRY_FIELDS} } } }`,
      'requestLogEntry',
      { id: requestId },
    );
    expect(detail.entry).toMatchObject({
      requestId,
      keyId: capturedKey.id,
      userId: member.id,
      accountId: healthyId,
      clientFormat: 'openai-chat',
      upstreamFormat: 'anthropic',
      clientKind: null,
      outcome: 'ok',
      status: 200,
      attempts: 2,
      errorMessage: null,
    });
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({
      requestId: `${requestId}~1`,
      accountId: failingId,
      outcome: 'failed_over',
      status: 529,
      attempts: 1,
    });
    expect(detail.attempts[0]?.errorMessage).toMatch(/overloaded/i);

    // Filters over GraphQL mean what they say.
    const chains = await query<{ nodes: Entry[] }>(
      admin,
      `query { requestLog(filter: { minAttempts: 2 }) { nodes { requestId } } }`,
      'requestLog',
    );
    expect(chains.nodes.map((entry) => entry.requestId)).toEqual([requestId]);
    const failures = await query<{ nodes: Entry[] }>(
      admin,
      `query { requestLog(filter: { outcome: failed_over, text: "OVERLOADED", accountId: "${failingId}" }) {
        nodes { requestId } } }`,
      'requestLog',
    );
    expect(failures.nodes.map((entry) => entry.requestId)).toEqual([`${requestId}~1`]);

    // Its bodies were captured (the key says so), secrets taken out; only managers read them, audited.
    const bodies = await query<{ request: string; response: string; requestTruncated: boolean }>(
      admin,
      'query ($id: String!) { requestLogBodies(requestId: $id) { request response requestTruncated } }',
      'requestLogBodies',
      { id: requestId },
    );
    expect(bodies.request).toContain('remember my key [redacted] please');
    expect(bodies.request).not.toContain(secret);
    expect(bodies.requestTruncated).toBe(false);
    expect(JSON.parse(bodies.response)).toMatchObject({ object: 'chat.completion' });
    const audit = await relay.server.services.audit.list({ action: 'request_log.read_bodies' });
    expect(audit.items[0]).toMatchObject({ target: requestId });
    const refused = await graphql(
      relay,
      { token: member.token },
      'query ($id: String!) { requestLogBodies(requestId: $id) { request } }',
      { id: requestId },
    );
    expect(errorOf(refused)?.extensions?.code).toBe('PERMISSION_DENIED');

    // The owner sees the request, without the accounts that served it.
    const own = await query<{ entry: Entry }>(
      member.token,
      `query ($id: String!) { requestLogEntry(requestId: $id) { entry { ${ENTRY_FIELDS} } } }`,
      'requestLogEntry',
      { id: requestId },
    );
    expect(own.entry).toMatchObject({ requestId, accountId: null });
  });

  it('keeps no bodies for keys that do not ask while REQUEST_LOG_BODIES is off, and names Claude Code', async () => {
    failing.setDefault({});
    const anthropic = new Anthropic({
      apiKey: plainKey.plaintext,
      baseURL: relay.url,
      maxRetries: 0,
      defaultHeaders: { 'user-agent': 'claude-cli/2.1.197 (external, cli)' },
    });
    const { response } = await anthropic.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id') ?? '';
    await settled(relay);
    const entry = await relay.server.services.requestLog.find(requestId);
    expect(entry).toMatchObject({
      clientFormat: 'anthropic',
      upstreamFormat: 'anthropic',
      clientKind: 'claude-code',
    });
    const none = await graphql(
      relay,
      { token: admin },
      'query ($id: String!) { requestLogBodies(requestId: $id) { request } }',
      { id: requestId },
    );
    expect(errorOf(none)?.extensions?.code).toBe('NOT_FOUND');
  });
});
