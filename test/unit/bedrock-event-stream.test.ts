// Bedrock event stream → Anthropic SSE: frame reassembly, metrics stripping, exceptions, truncation.
import { describe, expect, it } from 'vitest';
import { BedrockStreamConverter } from '../../src/relay/providers/bedrock/event-stream.js';
import { chunkFrame, exceptionFrame } from '../support/fake-bedrock/frames.js';

const EVENTS = [
  {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      usage: { input_tokens: 9, output_tokens: 1 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Héllo ✓ "quoted"\nnext line' },
  },
  { type: 'content_block_stop', index: 0 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 5 },
  },
  { type: 'message_stop' },
];
const METRICS = { inputTokenCount: 9, outputTokenCount: 5, invocationLatency: 321, firstByteLatency: 120 };

function bedrockFrames(): Buffer[] {
  return EVENTS.map((event) =>
    chunkFrame(
      JSON.stringify(
        event.type === 'message_stop' ? { ...event, 'amazon-bedrock-invocationMetrics': METRICS } : event,
      ),
    ),
  );
}

const expectedSse = EVENTS.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(
  '',
);

describe('BedrockStreamConverter', () => {
  it('turns every chunk into the Anthropic SSE event, without Bedrock metrics', () => {
    const converter = new BedrockStreamConverter();
    const out = Buffer.concat([converter.push(Buffer.concat(bedrockFrames())), converter.end()]);
    expect(out.toString('utf8')).toBe(expectedSse);
    expect(converter.error).toBeUndefined();
    expect(converter.invocationMetrics).toEqual(METRICS);
  });

  it('reassembles frames fed one byte at a time, emitting each event as soon as it is complete', () => {
    const converter = new BedrockStreamConverter();
    const frames = bedrockFrames();
    const outputs: string[] = [];
    for (const frame of frames) {
      let emitted = '';
      for (let index = 0; index < frame.length; index++) {
        const out = converter.push(frame.subarray(index, index + 1));
        // Nothing comes out before the frame's last byte.
        if (index < frame.length - 1) expect(out.length).toBe(0);
        emitted += out.toString('utf8');
      }
      outputs.push(emitted);
    }
    expect(converter.end().length).toBe(0);
    expect(outputs).toEqual(
      EVENTS.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
    );
  });

  it('handles chunks that end mid-frame and start with the tail of another', () => {
    const all = Buffer.concat(bedrockFrames());
    for (const size of [3, 7, 64, 101]) {
      const converter = new BedrockStreamConverter();
      const out: Buffer[] = [];
      for (let index = 0; index < all.length; index += size)
        out.push(converter.push(all.subarray(index, index + size)));
      out.push(converter.end());
      expect(Buffer.concat(out).toString('utf8')).toBe(expectedSse);
    }
  });

  it('keeps the event bytes as Bedrock sent them when there is nothing to strip', () => {
    const raw = '{"type":"ping"}';
    const converter = new BedrockStreamConverter();
    expect(converter.push(chunkFrame(raw)).toString()).toBe(`event: ping\ndata: ${raw}\n\n`);
  });

  it('turns an exception frame into an Anthropic error event and ignores what follows', () => {
    const converter = new BedrockStreamConverter();
    const [first, second] = bedrockFrames();
    const out = Buffer.concat([
      converter.push(Buffer.concat([first ?? Buffer.alloc(0), second ?? Buffer.alloc(0)])),
      converter.push(exceptionFrame('modelStreamErrorException', 'The model stream failed.')),
      converter.push(chunkFrame('{"type":"message_stop"}')),
      converter.end(),
    ]).toString('utf8');
    expect(out).toBe(
      `event: message_start\ndata: ${JSON.stringify(EVENTS[0])}\n\n` +
        `event: content_block_start\ndata: ${JSON.stringify(EVENTS[1])}\n\n` +
        'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The model stream failed."}}\n\n',
    );
    expect(converter.error).toEqual({ type: 'api_error', message: 'The model stream failed.' });
  });

  it.each([
    ['throttlingException', 'rate_limit_error'],
    ['serviceUnavailableException', 'overloaded_error'],
    ['validationException', 'invalid_request_error'],
    ['internalServerException', 'api_error'],
    ['modelTimeoutException', 'api_error'],
    ['somethingNewException', 'api_error'],
  ])('maps %s to %s', (exception, type) => {
    const converter = new BedrockStreamConverter();
    const out = converter.push(exceptionFrame(exception, 'why')).toString('utf8');
    expect(out).toBe(
      `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message: 'why' } })}\n\n`,
    );
    expect(converter.error).toEqual({ type, message: 'why' });
  });

  it('reports a stream that ends in the middle of a frame', () => {
    const converter = new BedrockStreamConverter();
    const [first, second] = bedrockFrames();
    const head = converter.push(first ?? Buffer.alloc(0));
    expect(head.toString()).toContain('event: message_start');
    expect(converter.push((second ?? Buffer.alloc(0)).subarray(0, 10)).length).toBe(0);
    const tail = converter.end().toString('utf8');
    expect(tail).toMatch(
      /^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]+"\}\}\n\n$/,
    );
    expect(converter.error?.type).toBe('api_error');
    expect(converter.end().length).toBe(0);
  });

  it('reports a stream that ends inside the 4-byte length prelude', () => {
    const converter = new BedrockStreamConverter();
    converter.push(Buffer.from([0, 0]));
    expect(converter.end().toString()).toContain('event: error');
  });

  it('says nothing when the stream ends between frames', () => {
    const converter = new BedrockStreamConverter();
    converter.push(Buffer.concat(bedrockFrames().slice(0, 2)));
    expect(converter.end().length).toBe(0);
    expect(converter.error).toBeUndefined();
  });

  it('rejects a frame whose checksum does not match', () => {
    const frame = Buffer.from(chunkFrame('{"type":"ping"}'));
    frame[frame.length - 6] = (frame[frame.length - 6] ?? 0) ^ 0xff; // flip a payload byte
    const converter = new BedrockStreamConverter();
    expect(converter.push(frame).toString()).toContain('event: error');
    expect(converter.error?.type).toBe('api_error');
  });

  it('rejects an impossible frame length instead of waiting forever', () => {
    const converter = new BedrockStreamConverter();
    const out = converter.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    expect(out.toString()).toContain('event: error');
  });

  it('records an Anthropic error event relayed inside a chunk', () => {
    const converter = new BedrockStreamConverter();
    const event = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const out = converter.push(chunkFrame(JSON.stringify(event))).toString();
    expect(out).toBe(`event: error\ndata: ${JSON.stringify(event)}\n\n`);
    expect(converter.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
  });

  it('rewrites a pretty-printed event onto one data line', () => {
    const converter = new BedrockStreamConverter();
    const out = converter.push(chunkFrame('{\n  "type": "ping"\n}')).toString();
    expect(out).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });
});
