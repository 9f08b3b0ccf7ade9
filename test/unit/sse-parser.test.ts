import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/relay/stream/sse-parser.js';

function parseAll(chunks: Array<string | Buffer>): Array<[string, string]> {
  const events: Array<[string, string]> = [];
  const parser = new SseParser((event, data) => events.push([event, data]));
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  parser.end();
  return events;
}

const STREAM =
  'event: message_start\ndata: {"type":"message_start"}\n\n' +
  ': keep-alive comment\n\n' +
  'event: content_block_delta\ndata: {"text":"héllo ✓"}\n\n' +
  'data: first line\ndata: second line\n\n';

const EXPECTED: Array<[string, string]> = [
  ['message_start', '{"type":"message_start"}'],
  ['content_block_delta', '{"text":"héllo ✓"}'],
  ['message', 'first line\nsecond line'],
];

describe('SSE parser', () => {
  it('parses events, comments and multi-line data', () => {
    expect(parseAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are chunked, even inside multi-byte characters', () => {
    const bytes = Buffer.from(STREAM);
    for (let size = 1; size <= 7; size += 1) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      expect(parseAll(chunks)).toEqual(EXPECTED);
    }
  });

  it('accepts CRLF and CR line endings, also split across chunks', () => {
    const crlf = STREAM.replaceAll('\n', '\r\n');
    expect(parseAll([crlf])).toEqual(EXPECTED);
    const bytes = Buffer.from(crlf);
    expect(parseAll(Array.from(bytes, (byte) => Buffer.from([byte])))).toEqual(EXPECTED);
    expect(parseAll([STREAM.replaceAll('\n', '\r')])).toEqual(EXPECTED);
  });

  it('flushes a final event that lost its blank line, and ignores junk', () => {
    expect(parseAll(['event: message_delta\ndata: {"a":1}'])).toEqual([['message_delta', '{"a":1}']]);
    expect(parseAll(['\u0000\u00ff garbage without fields\n\n', 'no-colon-line\n\n'])).toEqual([]);
  });
});
