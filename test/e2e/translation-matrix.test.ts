// Any client on any pool: each format's official SDK against a relay whose only account speaks another format,
// for every pair the relay can be set up to translate. Text (JSON and streamed) and a tool round trip arrive
// as the client's format has them; the upstream gets its own format (the second turn carrying the tool's
// result); the ledger holds exactly the usage the upstream reported, in its own units.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { CLIENT_FORMATS, formatClient, TOOL_RESULT, WEATHER_TOOL } from '../support/format-clients.js';
import { lastEntry } from '../support/ledger.js';
import { createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { TRANSLATED_POOLS } from '../support/translated-pools.js';

/** Uncached input, cache reads and output (reasoning none), as every fake format reports them. */
const USAGE = { inputTokens: 120, cacheReadTokens: 16, outputTokens: 9 };
const TOOL_CALL = { name: WEATHER_TOOL.name, arguments: '{"city":"Paris"}' };

describe.each(CLIENT_FORMATS)('a pool that speaks %s', (upstreamFormat) => {
  const pool = TRANSLATED_POOLS[upstreamFormat];
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    await pool.create(relay, fake.url);
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.setDefault({ usage: USAGE });
  });

  const clients = CLIENT_FORMATS.filter((client) => client !== upstreamFormat && pool.servesClient(client));

  const expectLedgerExact = async () => {
    const entry = await lastEntry(relay);
    expect(entry).toMatchObject({ status: 200, outcome: 'ok', model: pool.model, estimated: false });
    expect(entry?.usage).toMatchObject({
      input: USAGE.inputTokens,
      cacheRead: USAGE.cacheReadTokens,
      output: USAGE.outputTokens,
    });
  };

  describe.each(clients)('with a %s client', (clientFormat) => {
    for (const stream of [false, true]) {
      const mode = stream ? 'streamed' : 'JSON';

      it(`answers text, ${mode}, in the client's format, with the ledger exact`, async () => {
        const answer = await formatClient(clientFormat, relay.url, key).text(pool.model, stream);
        expect(answer.text).toBe(DEFAULT_TEXT);
        expect(answer.toolCalls).toEqual([]);
        const upstream = fake.requests[0];
        expect(upstream?.path).toBe(pool.path(pool.model, stream));
        expect(JSON.stringify(upstream?.headers)).not.toContain(key);
        // The client sees its usage with the cache reads counted in its input, as every format's total has them.
        expect(answer.usage?.output).toBe(USAGE.outputTokens);
        expect(answer.usage?.input).toBeGreaterThanOrEqual(USAGE.inputTokens);
        await expectLedgerExact();
      });

      it(`completes a tool round trip, ${mode}`, async () => {
        fake.enqueue({ toolCalls: [TOOL_CALL], usage: USAGE }, { usage: USAGE });
        const { call, final } = await formatClient(clientFormat, relay.url, key).toolRoundTrip(
          pool.model,
          stream,
        );
        expect(call.toolCalls).toHaveLength(1);
        expect(call.toolCalls[0]).toMatchObject({ name: WEATHER_TOOL.name, arguments: { city: 'Paris' } });
        expect(final.text).toBe(DEFAULT_TEXT);
        // The second turn reached the upstream in its own format, with the call and the tool's result.
        const second = JSON.stringify(fake.requests[1]?.json);
        expect(second).toContain(WEATHER_TOOL.name);
        expect(second).toContain(TOOL_RESULT);
        expect(fake.requests[1]?.path).toBe(pool.path(pool.model, stream));
        await expectLedgerExact();
      });
    }
  });
});
