// Conformance: streams recorded from each format's API (test/fixtures/<format>/streams/) replayed by the fake
// upstream through a relay, to a client of every format: the client's official SDK must read the stream and
// find the same text and tool calls, and the ledger must hold exactly the usage the recording reports. A
// recording that ends in an in-stream error must reach each client as its format's stream error.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { CLIENT_FORMATS, type ClientFormat, formatClient } from '../support/format-clients.js';
import { lastEntry } from '../support/ledger.js';
import { createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { TRANSLATED_POOLS } from '../support/translated-pools.js';

interface Expected {
  text: string;
  toolCalls: { name: string; arguments: string }[];
  finish: string | null;
  usage: { input: number; output: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number };
  error?: { type: string; message: string };
}

const fixtures = path.resolve(import.meta.dirname, '../fixtures');

function recordings(format: ClientFormat): { scenario: string; stream: Buffer; expected: Expected }[] {
  const folder = path.join(fixtures, format, 'streams');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.sse'))
    .map((file) => {
      const scenario = file.slice(0, -'.sse'.length);
      return {
        scenario,
        stream: readFileSync(path.join(folder, file)),
        expected: JSON.parse(readFileSync(path.join(folder, `${scenario}.json`), 'utf8')) as Expected,
      };
    });
}

describe.each(CLIENT_FORMATS)('recorded %s streams', (upstreamFormat) => {
  const pool = TRANSLATED_POOLS[upstreamFormat];
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;
  let account: { id: string; platform: string };

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    account = await pool.create(relay, fake.url);
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
  });
  beforeEach(async () => {
    fake.reset();
    // A recorded overload mid-stream rests the account, as it should; each recording starts on a healthy one.
    await relay.server.services.health.reset(account.id, account.platform);
  });

  // The client of the pool's own format too: the recording must read the same passed through as translated.
  const clients = CLIENT_FORMATS.filter((client) => pool.servesClient(client));

  for (const { scenario, stream, expected } of recordings(upstreamFormat)) {
    it.each(clients)(`${scenario} reaches a %s client whole`, async (clientFormat) => {
      // Split mid-event, so every decoder meets an event cut in two.
      fake.enqueue({ replay: stream, chunks: 5, headers: { 'content-type': 'text/event-stream' } });
      const asked = formatClient(clientFormat, relay.url, key).text(pool.model, true);
      if (expected.error) {
        await expect(asked).rejects.toThrow();
      } else {
        const answer = await asked;
        if (expected.finish !== 'content-filter') expect(answer.text).toBe(expected.text);
        expect(answer.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments }))).toEqual(
          expected.toolCalls.map((call) => ({
            name: call.name,
            arguments: JSON.parse(call.arguments) as unknown,
          })),
        );
      }
      const entry = await lastEntry(relay);
      expect(entry?.outcome).toBe(expected.error ? 'upstream_error' : 'ok');
      // A stream cut by an error never reports its final usage: the ledger estimates what was generated.
      if (expected.error) return;
      expect(entry?.usage).toMatchObject({
        input: expected.usage.input,
        output: expected.usage.output,
        cacheRead: expected.usage.cacheRead,
        cacheWrite5m: expected.usage.cacheWrite5m,
        cacheWrite1h: expected.usage.cacheWrite1h,
      });
    });
  }
});
