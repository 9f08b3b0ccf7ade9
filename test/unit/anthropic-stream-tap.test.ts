import { describe, expect, it } from 'vitest';
import { AnthropicStreamTap } from '../../src/relay/formats/anthropic/stream-tap.js';
import { usageFromAnthropicMessage } from '../../src/relay/formats/anthropic/usage.js';

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const START = frame('message_start', {
  type: 'message_start',
  message: {
    id: 'msg_1',
    usage: {
      input_tokens: 12,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      output_tokens: 1,
    },
  },
});
const DELTA = frame('content_block_delta', {
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text: 'x'.repeat(400) },
});
const FINAL = frame('message_delta', {
  type: 'message_delta',
  delta: { stop_reason: 'end_turn' },
  // Like the real API: message_delta repeats the input and cache totals, without the 5m/1h breakdown.
  usage: {
    output_tokens: 57,
    input_tokens: 12,
    cache_read_input_tokens: 1000,
    cache_creation_input_tokens: 300,
  },
});

describe('Anthropic stream tap', () => {
  it('takes exact usage from message_start and message_delta', () => {
    const tap = new AnthropicStreamTap();
    tap.push(Buffer.from(START + DELTA + FINAL + frame('message_stop', { type: 'message_stop' })));
    tap.end();
    expect(tap.finalUsage()).toEqual({
      usage: { input: 12, output: 57, cacheRead: 1000, cacheWrite5m: 100, cacheWrite1h: 200 },
      estimated: false,
    });
    expect(tap.sawMessageStop).toBe(true);
  });

  it('keeps exact input and estimates output when the stream is cut', () => {
    const tap = new AnthropicStreamTap();
    tap.push(Buffer.from(START + DELTA + DELTA));
    tap.end();
    const { usage, estimated } = tap.finalUsage();
    expect(estimated).toBe(true);
    expect(usage.input).toBe(12);
    expect(usage.cacheRead).toBe(1000);
    expect(usage.output).toBe(200);
  });

  it('says when the input usage is known, even before any content, for a stream whose client left', () => {
    const tap = new AnthropicStreamTap();
    tap.push(Buffer.from(frame('ping', { type: 'ping' })));
    expect(tap.sawInputUsage).toBe(false);
    // message_start split across two chunks: known only once the whole event arrived.
    tap.push(Buffer.from(START.slice(0, 40)));
    expect(tap.sawInputUsage).toBe(false);
    tap.push(Buffer.from(START.slice(40)));
    expect(tap.sawInputUsage).toBe(true);
    expect(tap.sawContent).toBe(false);
    expect(tap.finalUsage()).toEqual({
      usage: { input: 12, output: 1, cacheRead: 1000, cacheWrite5m: 100, cacheWrite1h: 200 },
      estimated: true,
    });
  });

  it('records in-stream errors and survives garbage', () => {
    const tap = new AnthropicStreamTap();
    tap.push(Buffer.from('event: message_start\ndata: {not json\n\n'));
    tap.push(
      Buffer.from(
        frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      ),
    );
    tap.end();
    expect(tap.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(tap.sawContent).toBe(false);
  });

  it('treats an undivided cache_creation_input_tokens as 5-minute writes', () => {
    expect(
      usageFromAnthropicMessage({
        usage: { input_tokens: 5, output_tokens: 6, cache_creation_input_tokens: 70 },
      }),
    ).toEqual({ input: 5, output: 6, cacheRead: 0, cacheWrite5m: 70, cacheWrite1h: 0 });
  });
});
