// Valid OTLP exports Claude Code's own fixtures do not cover: a newer client's fields the protos lack yet must be
// skipped rather than refused, empty exports are fine for every signal, and the content type may carry
// parameters and any case, since clients differ in how they spell it.
import { describe, expect, it } from 'vitest';
import { readOtlpExport } from '../../src/relay/gateway/otlp/read-otlp-export.js';
import {
  claudeSession,
  encodeFuture,
  json,
  logsExport,
  messageOf,
  SESSION,
  stringAttribute,
  summaryOf,
} from '../support/otlp-exports.js';

describe('forward compatibility', () => {
  const futureRecord = {
    time_unix_nano: 1_700_000_000_000_000_000,
    event_name: 'claude_code.tool_result',
    attributes: [
      stringAttribute('session.id', SESSION),
      stringAttribute('tool_name', 'Bash'),
      { key: 'duration_ms', value: { int_value: 812 } },
    ],
    future_varint: 123_456_789,
    future_fixed64: 42,
    future_fixed32: 7,
    future_message: { label: 'not yet invented', values: [1, 2, 3] },
    future_text: 'hello from the future',
  };

  it('skips protobuf fields of every wire type that today’s protos do not have', () => {
    const body = encodeFuture('ExportLogsServiceRequest', {
      resource_logs: [
        {
          resource: { attributes: [stringAttribute('service.name', 'claude-code')] },
          scope_logs: [{ log_records: [futureRecord, futureRecord], future_scope: { label: 'scope' } }],
          future_resource: { values: [9] },
        },
      ],
      future_request: { label: 'top level' },
    });
    expect(summaryOf('logs', 'protobuf', body)).toMatchObject({
      records: 2,
      sessions: [SESSION],
      events: { 'claude_code.tool_result': 2 },
      tools: { Bash: 2 },
    });
  });

  it('reads a resource that follows its records on the wire', () => {
    const records = encodeFuture('ResourceLogs', { scope_logs: [{ log_records: [{ event_name: 'x.y' }] }] });
    const resource = encodeFuture('ResourceLogs', {
      resource: { attributes: [stringAttribute('session.id', 'late-resource')] },
    });
    // Concatenated encodings of one message are that message with both sets of fields (protobuf's merge).
    const resourceLogs = new Uint8Array([...records, ...resource]);
    const body = encodeFuture('RawExport', { resources: [resourceLogs] });
    expect(summaryOf('logs', 'protobuf', body)).toMatchObject({ records: 1, sessions: ['late-resource'] });
  });

  it('skips JSON keys it does not know, at every level', () => {
    const body = json({
      resourceLogs: [
        {
          resource: {
            attributes: [{ key: 'session.id', value: { stringValue: SESSION } }],
            entityRefs: [{}],
          },
          scopeLogs: [
            {
              scope: { name: 'com.anthropic.claude_code.events' },
              logRecords: [
                {
                  eventName: 'claude_code.tool_result',
                  attributes: [
                    { key: 'tool_name', value: { stringValue: 'Read' } },
                    { key: 'session.id', value: { intValue: '5' } },
                  ],
                  futureField: { anything: [1, 2, 3] },
                },
              ],
              futureScopeField: true,
            },
          ],
          futureResourceField: 'x',
        },
      ],
      futureTopLevel: 1,
    });
    expect(summaryOf('logs', 'json', body)).toMatchObject({
      records: 1,
      sessions: [SESSION],
      tools: { Read: 1 },
    });
  });

  it('counts Summary points (which the JS SDK never emits) in both encodings', () => {
    const point = { attributes: [stringAttribute('session.id', SESSION)], count: 3, sum: 1.5 };
    const protobufBody = encodeFuture('ExportMetricsServiceRequest', {
      resource_metrics: [
        {
          scope_metrics: [
            {
              metrics: [
                { name: 'legacy.summary', summary: { data_points: [point, point] } },
                { name: 'future.kind', future_data: { label: 'a metric kind from the future' } },
              ],
            },
          ],
        },
      ],
    });
    const jsonBody = json({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'legacy.summary',
                  summary: {
                    dataPoints: [
                      {
                        attributes: [{ key: 'session.id', value: { stringValue: SESSION } }],
                        count: '3',
                        sum: 1.5,
                        quantileValues: [{ quantile: 0.5, value: 0.4 }],
                      },
                      { count: 1 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    for (const [encoding, body] of [
      ['protobuf', protobufBody],
      ['json', jsonBody],
    ] as const) {
      expect(summaryOf('metrics', encoding, body)).toMatchObject({
        records: 2,
        sessions: [SESSION],
        metrics: { 'legacy.summary': 2 },
      });
    }
  });
});

describe('empty exports', () => {
  it.each(['metrics', 'logs', 'traces'] as const)('%s: an empty protobuf body and {} are valid', (signal) => {
    for (const [encoding, body] of [
      ['protobuf', new Uint8Array()],
      ['json', json({})],
      ['json', json({ resourceMetrics: [], resourceLogs: [], resourceSpans: [] })],
    ] as const) {
      expect(summaryOf(signal, encoding, body)).toEqual({
        signal,
        records: 0,
        sessions: [],
        users: [],
        events: {},
        tools: {},
        metrics: {},
        spans: {},
      });
    }
  });
});

describe('content types', () => {
  it('accepts the OTLP media types with parameters and in any case', async () => {
    const protobufBody = await logsExport(claudeSession, 'protobuf');
    const jsonBody = await logsExport(claudeSession, 'json');
    for (const type of [
      'application/x-protobuf',
      'application/protobuf',
      'Application/X-Protobuf; proto=otlp',
    ]) {
      expect(readOtlpExport('logs', type, protobufBody)).toMatchObject({ ok: true, summary: { records: 9 } });
    }
    for (const type of ['application/json', 'application/json; charset=utf-8', ' APPLICATION/JSON ']) {
      expect(readOtlpExport('logs', type, jsonBody)).toMatchObject({ ok: true, summary: { records: 9 } });
    }
  });

  it('refuses any other, naming the accepted ones', () => {
    for (const type of [
      undefined,
      '',
      'text/plain',
      'application/jsonl',
      'application/grpc',
      'multipart/form-data',
    ]) {
      expect(messageOf('logs', type, json({}))).toBe(
        'OTLP content-type must be application/x-protobuf or application/json',
      );
    }
  });
});
