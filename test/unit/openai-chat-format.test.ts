import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { capChatOutput } from '../../src/relay/formats/openai-chat/budget.js';
import { parseChatRequest, withUsageChunk } from '../../src/relay/formats/openai-chat/request.js';
import { ChatStreamTap } from '../../src/relay/formats/openai-chat/stream-tap.js';
import { chatUsageFromBody } from '../../src/relay/formats/openai-chat/usage.js';

const usage = {
  prompt_tokens: 1200,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens: 300,
  completion_tokens_details: { reasoning_tokens: 120 },
  total_tokens: 1500,
};
const exact = { input: 200, output: 300, cacheRead: 1000, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 120 };

const chunk = (fields: Record<string, unknown>) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', ...fields })}\n\n`;
const textChunk = chunk({ choices: [{ index: 0, delta: { content: 'Hello there' }, finish_reason: null }] });
const usageChunk = chunk({ choices: [], usage });

describe('Chat Completions requests', () => {
  it('reads model, stream and the output bound, keeping every other field', () => {
    const info = parseChatRequest(
      Buffer.from(
        '{"model":"gpt-5","messages":[],"stream":true,"max_tokens":9,"response_format":{"type":"json_schema"}}',
      ),
    );
    expect(info).toMatchObject({ model: 'gpt-5', stream: true, maxTokens: 9 });
    expect(info.body.response_format).toEqual({ type: 'json_schema' });
  });

  it.each([
    ['{"messages":[]}', /^model:/],
    ['{"model":"m"}', /^messages:/],
    ['{"model":"m","messages":[],"n":2}', /^n: must be 1/],
    [
      '{"model":"m","messages":[],"stream_options":{"include_usage":"yes"}}',
      /^stream_options\.include_usage:/,
    ],
  ])('refuses %j with a 400 naming the field', (body, message) => {
    expect(() => parseChatRequest(Buffer.from(body))).toThrow(message);
  });

  it('asks upstream for the usage chunk, keeping the other stream options and bytes', () => {
    expect(JSON.parse(withUsageChunk(Buffer.from('{"model":"m","stream":true}')).toString())).toEqual({
      stream_options: { include_usage: true },
      model: 'm',
      stream: true,
    });
    const merged = withUsageChunk(
      Buffer.from('{"model":"m","stream_options":{"include_obfuscation":false}}'),
    );
    expect(merged.toString()).toBe(
      '{"model":"m","stream_options":{"include_obfuscation":false,"include_usage":true}}',
    );
  });

  it('caps the output field the client used', () => {
    expect(capChatOutput(Buffer.from('{"model":"m","max_tokens":900}'), 50).toString()).toBe(
      '{"model":"m","max_tokens":50}',
    );
    expect(JSON.parse(capChatOutput(Buffer.from('{"model":"m"}'), 50).toString()).max_completion_tokens).toBe(
      50,
    );
  });
});

describe('Chat Completions usage and stream tap', () => {
  it('splits cached input out and keeps reasoning inside output', () => {
    expect(chatUsageFromBody(JSON.stringify({ id: 'x', choices: [], usage }))).toEqual(exact);
  });

  it('passes every byte when the client asked for usage, and reads it exactly', () => {
    const tap = new ChatStreamTap(0, false);
    expect(tap.filter).toBeUndefined();
    for (const frame of [textChunk, usageChunk, 'data: [DONE]\n\n']) tap.push(Buffer.from(frame));
    tap.end();
    expect(tap.sawContent).toBe(true);
    expect(tap.finalUsage()).toEqual({ usage: exact, estimated: false });
  });

  it('hides the usage chunk the relay asked for, across any chunking, and passes the rest unchanged', () => {
    const stream = Buffer.from(`${textChunk}${usageChunk}data: [DONE]\n\n`);
    for (const size of [1, 7, 64, stream.length]) {
      const tap = new ChatStreamTap(0, true);
      const out: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) {
        const piece = stream.subarray(at, at + size);
        tap.push(piece);
        out.push(tap.filter?.(piece) ?? piece);
      }
      out.push(tap.filterEnd?.() ?? Buffer.alloc(0));
      tap.end();
      expect(Buffer.concat(out).toString()).toBe(`${textChunk}data: [DONE]\n\n`);
      expect(tap.finalUsage()).toEqual({ usage: exact, estimated: false });
    }
  });

  it('reports error chunks with whose fault they are, and renders its own as a data chunk', () => {
    const tap = new ChatStreamTap(500, false);
    tap.push(
      Buffer.from(
        'data: {"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}\n\n',
      ),
    );
    expect(tap.error).toEqual({ type: 'context_length_exceeded', message: 'too long', blame: 'request' });
    expect(tap.finalUsage()).toMatchObject({ usage: { input: 500 }, estimated: true });
    expect(tap.errorFrame(new AppError('upstream_error', 'cut'), 'r').startsWith('data: {"error":')).toBe(
      true,
    );
  });
});
