// Upstream faults on the Gemini routes, between two gemini-api accounts: a 429 before the first byte fails over
// and rests the account, for the model Google's quota names, as long as RetryInfo says (a daily quota until
// Google resets it, at midnight Pacific time); a refusal of the request itself is passed back in Google's shape without failover;
// a stream cut after output ends with an error chunk the genai SDK raises; a client that leaves takes the
// upstream request with it, and the usage the upstream reported so far is recorded.
import { GoogleGenAI } from '@google/genai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nextPacificMidnight } from '../../src/relay/providers/gemini/errors.js';
import { type FailoverPair, startFailoverPair } from '../support/failover-pair.js';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import { entriesSince } from '../support/ledger.js';
import { createGeminiAccount, FAKE_GEMINI_KEY, type TestRelay } from '../support/relay.js';
import { postAndAbort, postJson, rawSseFrames } from '../support/sse-client.js';

const MODEL = 'gemini-2.5-flash';
const STREAM_PATH = `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`;

let conversation = 0;
/** A new conversation each time: a repeated one could stay pinned to the account that served it. */
const contents = () => {
  conversation += 1;
  return [{ role: 'user', parts: [{ text: `hi ${conversation}` }] }];
};

/** Google's 429 for an exhausted quota: QuotaFailure naming the quota and model, RetryInfo with the delay. */
function quotaError(quotaId: string, retryDelay: string) {
  return {
    error: {
      code: 429,
      message: 'You exceeded your current quota, please check your plan and billing details.',
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId,
              quotaDimensions: { location: 'global', model: MODEL },
              quotaValue: '10',
            },
          ],
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
      ],
    },
  };
}

describe('upstream faults on the Gemini routes', () => {
  let pair: FailoverPair;
  let failing: FakeUpstream;
  let healthy: FakeUpstream;
  let relay: TestRelay;
  let failingId: string;
  let client: GoogleGenAI;
  let headers: Record<string, string>;

  beforeAll(async () => {
    pair = await startFailoverPair({
      platform: 'gemini',
      upstreamKey: FAKE_GEMINI_KEY,
      create: createGeminiAccount,
    });
    ({ failing, healthy, relay, failingId } = pair);
    client = new GoogleGenAI({ apiKey: pair.key, httpOptions: { baseUrl: relay.url } });
    headers = { 'x-goog-api-key': pair.key };
  });
  afterAll(() => pair.stop());
  afterEach(() => pair.reset());

  const stateOfFailing = () => relay.server.services.health.state(failingId, 'gemini');

  it('fails a 429 over to the other account and rests the first for RetryInfo’s delay', async () => {
    failing.enqueue({
      status: 429,
      json: quotaError('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '37s'),
    });
    const startedAt = Date.now();
    const response = await client.models.generateContent({ model: MODEL, contents: contents() });
    expect(response.text).toBeTruthy();
    expect(failing.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);
    // Google's quota is the model's: the account rests for that model only, and serves the others.
    const state = await stateOfFailing();
    expect(state.kind).toBe('active');
    expect(state.families[MODEL]).toBeGreaterThanOrEqual(startedAt + 37_000);
    expect(state.families[MODEL]).toBeLessThanOrEqual(Date.now() + 38_000);
    await client.models.generateContent({ model: 'gemini-2.5-pro', contents: contents() });
    expect(failing.requests.map((request) => request.path)).toEqual([
      `/v1beta/models/${MODEL}:generateContent`,
      '/v1beta/models/gemini-2.5-pro:generateContent',
    ]);
    // An operator's reset clears a limit that only one model had.
    await relay.server.services.health.reset(failingId, 'gemini');
    expect((await stateOfFailing()).families).toEqual({});
    const entries = await entriesSince(relay, startedAt);
    expect(entries.map((entry) => [entry.accountId === failingId, entry.outcome])).toEqual(
      expect.arrayContaining([
        [true, 'failed_over'],
        [false, 'ok'],
      ]),
    );
  });

  it('rests an account whose daily quota is spent until Google resets it, at midnight Pacific time', async () => {
    failing.enqueue({
      status: 429,
      json: quotaError('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '47s'),
    });
    const startedAt = Date.now();
    await client.models.generateContent({ model: MODEL, contents: contents() });
    expect(healthy.requests).toHaveLength(1);
    const state = await stateOfFailing();
    const midnight = nextPacificMidnight(startedAt);
    expect(Math.abs((state.families[MODEL] ?? 0) - midnight)).toBeLessThanOrEqual(2_000);
  });

  it('takes an account Google refuses (403 PERMISSION_DENIED) out of service, and one that errs (503) for a while', async () => {
    failing.enqueue({
      status: 403,
      errorType: 'PERMISSION_DENIED',
      errorMessage: 'Your API key was reported as leaked. Please use another API key.',
    });
    expect((await client.models.generateContent({ model: MODEL, contents: contents() })).text).toBeTruthy();
    expect(healthy.requests).toHaveLength(1);
    expect((await stateOfFailing()).kind).toBe('auth_failed');

    await pair.reset();
    failing.enqueue({ status: 503, errorType: 'UNAVAILABLE', errorMessage: 'The model is overloaded.' });
    expect((await client.models.generateContent({ model: MODEL, contents: contents() })).text).toBeTruthy();
    expect(healthy.requests).toHaveLength(1);
    expect((await stateOfFailing()).kind).toBe('cooling');
  });

  it('takes an account whose key AI Studio refuses (400 API_KEY_INVALID) out of service and fails over', async () => {
    const { accounts } = relay.server.services;
    await accounts.update(failingId, { credentials: { apiKey: 'AIza-revoked-key' } });
    try {
      expect((await client.models.generateContent({ model: MODEL, contents: contents() })).text).toBeTruthy();
      expect(failing.requests).toHaveLength(1);
      expect(healthy.requests).toHaveLength(1);
      expect((await stateOfFailing()).kind).toBe('auth_failed');
    } finally {
      await accounts.update(failingId, { credentials: { apiKey: FAKE_GEMINI_KEY } });
    }
  });

  it('passes a refusal of the request back in Google’s shape, without failover or blame', async () => {
    const message = '* GenerateContentRequest.contents: contents is not specified';
    failing.enqueue({ status: 400, errorType: 'INVALID_ARGUMENT', errorMessage: message });
    const answer = await postJson(
      `${relay.url}/v1beta/models/${MODEL}:generateContent`,
      { contents: contents() },
      headers,
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT', message },
    });
    expect(healthy.requests).toHaveLength(0);
    expect((await stateOfFailing()).kind).toBe('active');
  });

  it('ends a stream cut after output with an error chunk, which the genai SDK raises', async () => {
    failing.enqueue({ cutAfterEvents: 2, chunks: 4 });
    const startedAt = Date.now();
    const response = await postJson(`${relay.url}${STREAM_PATH}`, { contents: contents() }, headers);
    expect(response.status).toBe(200);
    const sent = failing.requests[0]?.sentBody?.toString() ?? '';
    expect(rawSseFrames(sent)).toHaveLength(2);
    expect(response.text.startsWith(sent)).toBe(true);
    const added = rawSseFrames(response.text.slice(sent.length));
    expect(added).toHaveLength(1);
    expect(JSON.parse(added[0]?.replace(/^data: /, '') ?? '{}')).toMatchObject({
      error: { code: 502, status: 'INTERNAL' },
    });
    expect(healthy.requests).toHaveLength(0);
    const [entry] = await entriesSince(relay, startedAt);
    // Every chunk carries the usage so far: what the upstream reported before the cut is recorded as such.
    expect(entry).toMatchObject({ accountId: failingId, outcome: 'upstream_error', stream: true });
    expect(entry?.usage.input).toBeGreaterThan(0);
    expect((await stateOfFailing()).kind).toBe('cooling');

    // Back in service, cut again: this time the genai SDK reads the stream.
    await pair.reset();
    failing.enqueue({ cutAfterEvents: 2, chunks: 4 });
    let text = '';
    const reading = (async () => {
      for await (const chunk of await client.models.generateContentStream({
        model: MODEL,
        contents: contents(),
      }))
        text += chunk.text ?? '';
    })();
    await expect(reading).rejects.toThrow(/INTERNAL|502/);
    expect(text.length).toBeGreaterThan(0);
  });

  it('aborts the upstream when the client leaves mid-stream and records the usage reported so far', async () => {
    failing.enqueue({ stallAfterEvents: 1, chunks: 3 });
    const startedAt = Date.now();
    await postAndAbort(`${relay.url}${STREAM_PATH}`, { contents: contents() }, headers, 'Hello');
    await failing.waitForIdle();
    expect(failing.requests[0]?.aborted).toBe(true);
    const entries = await entriesSince(relay, startedAt);
    expect(entries).toEqual([expect.objectContaining({ accountId: failingId, outcome: 'client_aborted' })]);
    expect(entries[0]?.usage.input).toBeGreaterThan(0);
    expect(healthy.requests).toHaveLength(0);
  });
});
