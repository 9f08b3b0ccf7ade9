// What a gateway must refuse from an OTLP export, since anyone who reaches it can send one: garbage, truncation,
// wrong types and oversized claims are refused with a message naming the problem, the work one export may cost
// is bounded, and the protobuf reader beneath it checks every bound itself.
import { describe, expect, it } from 'vitest';
import { ProtobufError, ProtobufReader } from '../../src/relay/gateway/otlp/protobuf-reader.js';
import type { OtlpSignal } from '../../src/relay/gateway/otlp/read-otlp-export.js';
import {
  CONTENT_TYPES,
  claudeSession,
  encodeFuture,
  json,
  logsExport,
  messageOf,
  read,
  summaryOf,
  utf8,
} from '../support/otlp-exports.js';

/** A deterministic byte source, so a garbage test that passes once passes always. */
function pseudoRandomBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

describe('garbage', () => {
  it('refuses random bytes as protobuf, for every signal', () => {
    for (const signal of ['metrics', 'logs', 'traces'] as const) {
      for (let seed = 1; seed <= 50; seed += 1) {
        const body = pseudoRandomBytes(seed, 256 + seed * 16);
        expect(read(signal, 'protobuf', body).ok, `seed ${seed}`).toBe(false);
      }
    }
  });

  it('refuses every truncation of a valid protobuf export', async () => {
    const body = await logsExport(claudeSession, 'protobuf');
    expect(body.length).toBeGreaterThan(500);
    for (let length = 1; length < body.length; length += 1) {
      expect(read('logs', 'protobuf', body.subarray(0, length)).ok, `cut at ${length}`).toBe(false);
    }
    expect(messageOf('logs', CONTENT_TYPES.protobuf, body.subarray(0, body.length - 1))).toBe(
      'invalid OTLP logs export (protobuf): length past the end of its message',
    );
  });

  it('refuses a known field with the wrong wire type', () => {
    // resource_logs (field 1) as a varint.
    expect(messageOf('logs', CONTENT_TYPES.protobuf, new Uint8Array([0x08, 0x01]))).toBe(
      'invalid OTLP logs export (protobuf): resource_logs has wire type 0',
    );
  });

  it('refuses a huge declared length at once, without reading or allocating it', () => {
    // Field 1, length-delimited, claiming 2^49 bytes, followed by three.
    const body = new Uint8Array([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1, 2, 3]);
    const before = process.memoryUsage().arrayBuffers;
    expect(messageOf('traces', CONTENT_TYPES.protobuf, body)).toBe(
      'invalid OTLP traces export (protobuf): length past the end of its message',
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
  });

  it('refuses JSON that is not JSON, not UTF-8, or not an object', () => {
    const cases: [Uint8Array, string][] = [
      [utf8.encode('not json'), 'body is not valid UTF-8 JSON'],
      [utf8.encode('{"resourceLogs": ['), 'body is not valid UTF-8 JSON'],
      [new Uint8Array([0x7b, 0xff, 0x7d]), 'body is not valid UTF-8 JSON'],
      [json([]), 'body must be a JSON object'],
      [json(null), 'body must be a JSON object'],
      [json('resourceLogs'), 'body must be a JSON object'],
      [json(42), 'body must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      expect(messageOf('logs', CONTENT_TYPES.json, body)).toBe(`invalid OTLP logs export (JSON): ${message}`);
    }
  });

  it('refuses JSON whose fields have the wrong types, naming the path', () => {
    const record = (value: unknown) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [value] }] }] });
    const cases: [OtlpSignal, unknown, string][] = [
      ['logs', { resourceLogs: {} }, 'resourceLogs must be an array'],
      ['logs', { resourceLogs: [1] }, 'resourceLogs[0] must be an object'],
      ['logs', { resourceLogs: [{ resource: [] }] }, 'resourceLogs[0].resource must be an object'],
      ['logs', { resourceLogs: [{ scopeLogs: 'x' }] }, 'resourceLogs[0].scopeLogs must be an array'],
      [
        'logs',
        record({ eventName: 5 }),
        'resourceLogs[0].scopeLogs[0].logRecords[0].eventName must be a string',
      ],
      ['logs', record({ body: 'text' }), 'resourceLogs[0].scopeLogs[0].logRecords[0].body must be an object'],
      [
        'logs',
        record({ attributes: {} }),
        'resourceLogs[0].scopeLogs[0].logRecords[0].attributes must be an array',
      ],
      [
        'logs',
        record({ attributes: [{ key: 'session.id', value: { stringValue: 7 } }] }),
        'resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].value.stringValue must be a string',
      ],
      [
        'logs',
        record({ attributes: [{ key: 1 }] }),
        'resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].key must be a string',
      ],
      [
        'metrics',
        { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: ['x'] }] }] }] },
        'resourceMetrics[0].scopeMetrics[0].metrics[0].name must be a string',
      ],
      [
        'metrics',
        { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ sum: { dataPoints: {} } }] }] }] },
        'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints must be an array',
      ],
      [
        'traces',
        { resourceSpans: [{ scopeSpans: [{ spans: [{ name: null }, { name: false }] }] }] },
        'resourceSpans[0].scopeSpans[0].spans[1].name must be a string',
      ],
    ];
    for (const [signal, body, message] of cases) {
      expect(messageOf(signal, CONTENT_TYPES.json, json(body))).toBe(
        `invalid OTLP ${signal} export (JSON): ${message}`,
      );
    }
  });
});

describe('work bounds', () => {
  function manyLogRecords(count: number) {
    return json({
      resourceLogs: [{ scopeLogs: [{ logRecords: Array.from({ length: count }, () => ({})) }] }],
    });
  }

  it('reads an export of 100 000 records and refuses one of 100 001', () => {
    expect(summaryOf('logs', 'json', manyLogRecords(100_000)).records).toBe(100_000);
    expect(messageOf('logs', CONTENT_TYPES.json, manyLogRecords(100_001))).toBe(
      'invalid OTLP logs export (JSON): more than 100000 records',
    );
    const points = Array.from({ length: 100_001 }, () => ({ count: 1 }));
    const protobufBody = encodeFuture('ExportMetricsServiceRequest', {
      resource_metrics: [{ scope_metrics: [{ metrics: [{ name: 'm', summary: { data_points: points } }] }] }],
    });
    expect(messageOf('metrics', CONTENT_TYPES.protobuf, protobufBody)).toBe(
      'invalid OTLP metrics export (protobuf): more than 100000 records',
    );
  });
});

describe('protobuf reader', () => {
  function failure(bytes: number[], read: (reader: ProtobufReader) => void): string {
    try {
      read(new ProtobufReader(new Uint8Array(bytes)));
    } catch (error) {
      if (error instanceof ProtobufError) return error.message;
      throw error;
    }
    throw new Error('expected the reader to refuse the input');
  }

  it('reads varints up to 64 bits and refuses longer or truncated ones', () => {
    expect(new ProtobufReader(new Uint8Array([0xac, 0x02])).readVarint()).toBe(300);
    const max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expect(new ProtobufReader(new Uint8Array(max)).readVarint()).toBe(2 ** 64 - 1);
    expect(failure([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], (r) => r.readVarint())).toBe(
      'varint over 64 bits',
    );
    expect(failure([...Array(10).fill(0x80), 0x00], (r) => r.readVarint())).toBe(
      'varint longer than 10 bytes',
    );
    expect(failure([0x80, 0x80], (r) => r.readVarint())).toBe('truncated in a varint');
  });

  it('refuses group and undefined wire types, and field number 0', () => {
    for (const wireType of [3, 4, 6, 7]) {
      expect(failure([(1 << 3) | wireType], (r) => r.readTag())).toBe(`wire type ${wireType} not supported`);
    }
    expect(failure([0x02, 0x00], (r) => r.readTag())).toBe('field number 0');
    expect(failure([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], (r) => r.readTag())).toBe('field tag out of range');
  });

  it('bounds-checks fixed-width and length-delimited values and strings', () => {
    expect(failure([0x09, 1, 2, 3], (r) => r.skip(r.readTag().wireType))).toBe(
      'truncated in a fixed-width field',
    );
    expect(failure([0x0d, 1, 2], (r) => r.skip(r.readTag().wireType))).toBe(
      'truncated in a fixed-width field',
    );
    expect(failure([0x0a, 0x05, 1, 2], (r) => r.skip(r.readTag().wireType))).toBe(
      'length past the end of its message',
    );
    const readString = (reader: ProtobufReader) => {
      reader.readTag();
      reader.readString();
    };
    expect(failure([0x0a, 0x01, 0xff], readString)).toBe('string is not UTF-8');
  });

  it('returns views, not copies, of length-delimited values', () => {
    const bytes = new Uint8Array([0x0a, 0x03, 7, 8, 9]);
    const reader = new ProtobufReader(bytes);
    reader.readTag();
    const view = reader.readBytes();
    expect([...view]).toEqual([7, 8, 9]);
    expect(view.buffer).toBe(bytes.buffer);
    expect(reader.done).toBe(true);
  });

  it('refuses messages nested deeper than 32 levels', () => {
    let nested: number[] = [];
    for (let level = 0; level < 40; level += 1) nested = [0x0a, nested.length, ...nested];
    const descend = (reader: ProtobufReader): void => {
      reader.readTag();
      descend(reader.readMessage());
    };
    expect(failure(nested, descend)).toBe('nesting too deep');
  });
});
