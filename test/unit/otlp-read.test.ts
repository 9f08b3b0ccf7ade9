// Reading OTLP/HTTP exports as Claude Code sends them to a gateway: valid exports made by OpenTelemetry's own
// SDKs and serializers in both encodings come back as the expected summary; empty exports are fine; newer
// clients' unknown fields are skipped; garbage, truncation, wrong types and oversized claims are refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProtobufError, ProtobufReader } from '../../src/relay/gateway/otlp/protobuf-reader.js';
import { type OtlpSignal, readOtlpExport } from '../../src/relay/gateway/otlp/read-otlp-export.js';
import {
  CONTENT_TYPES,
  claudeCodeResource,
  type EmittedLogRecord,
  ENCODINGS,
  type Encoding,
  encodeFuture,
  logsExport,
  metricsExport,
  stringAttribute,
  tracesExport,
} from '../support/otlp-exports.js';

const SESSION = '6f1c0b0e-3d6e-4d1f-9a57-0b6c2d1e8a11';
const OTHER_SESSION = '0a7d2c4b-8e9f-4a3b-b1c2-d3e4f5a6b7c8';
const USER_ID = 'c0ffee00aa11bb22cc33dd44ee55ff66778899aabbccddeeff0011223344556677';
const USER_EMAIL = 'dev@example.com';

/** The attributes Claude Code puts on every event (user.id is a hashed device id, email when signed in). */
function common(sessionId = SESSION) {
  return {
    'session.id': sessionId,
    'user.id': USER_ID,
    'user.email': USER_EMAIL,
    'organization.id': 'org-1',
    'terminal.type': 'xterm-256color',
  };
}

/** An event the way Claude Code 2.1.x emits it: bare name in `event.name`, qualified name as the body. */
function claudeEvent(
  name: string,
  attributes: Record<string, string>,
  sessionId = SESSION,
): EmittedLogRecord {
  return {
    body: `claude_code.${name}`,
    attributes: { ...common(sessionId), 'event.name': name, 'event.sequence': 1, ...attributes },
  };
}

const claudeSession: EmittedLogRecord[] = [
  claudeEvent('user_prompt', { prompt_length: '42', prompt: '<REDACTED>' }),
  claudeEvent('api_request', { model: 'claude-sonnet-4-5', cost_usd: '0.0123', input_tokens: '1200' }),
  claudeEvent('tool_decision', {
    tool_name: 'Bash',
    tool_use_id: 'toolu_1',
    decision: 'accept',
    source: 'config',
  }),
  claudeEvent('tool_result', {
    tool_name: 'Bash',
    tool_use_id: 'toolu_1',
    success: 'true',
    duration_ms: '812',
  }),
  claudeEvent('tool_decision', {
    tool_name: 'Edit',
    tool_use_id: 'toolu_2',
    decision: 'reject',
    source: 'user',
  }),
  claudeEvent('tool_result', {
    tool_name: 'Read',
    tool_use_id: 'toolu_3',
    success: 'true',
    duration_ms: '4',
  }),
  claudeEvent('tool_result', {
    tool_name: 'Bash',
    tool_use_id: 'toolu_4',
    success: 'false',
    duration_ms: '90',
  }),
  claudeEvent(
    'api_error',
    { model: 'claude-sonnet-4-5', status_code: '529', error: 'overloaded' },
    OTHER_SESSION,
  ),
  // Newer OpenTelemetry SDKs carry the name in the LogRecord's own event_name field instead.
  { eventName: 'claude_code.api_request', attributes: { ...common(), model: 'claude-haiku-4-5' } },
];

function read(signal: OtlpSignal, encoding: Encoding, body: Uint8Array) {
  return readOtlpExport(signal, CONTENT_TYPES[encoding], body);
}

function summaryOf(signal: OtlpSignal, encoding: Encoding, body: Uint8Array) {
  const result = read(signal, encoding, body);
  if (!result.ok) throw new Error(`expected a valid export, got: ${result.message}`);
  return result.summary;
}

function messageOf(signal: OtlpSignal, contentType: string | undefined, body: Uint8Array): string {
  const result = readOtlpExport(signal, contentType, body);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.summary)}`);
  return result.message;
}

const utf8 = new TextEncoder();
const json = (value: unknown) => utf8.encode(JSON.stringify(value));

describe.each(ENCODINGS)('a Claude Code export in %s', (encoding) => {
  it('logs: events by name, tool uses by tool, sessions and users', async () => {
    const summary = summaryOf('logs', encoding, await logsExport(claudeSession, encoding));
    expect(summary).toEqual({
      signal: 'logs',
      records: 9,
      sessions: [SESSION, OTHER_SESSION],
      users: [USER_EMAIL],
      events: {
        'claude_code.user_prompt': 1,
        'claude_code.api_request': 2,
        'claude_code.tool_decision': 2,
        'claude_code.tool_result': 3,
        'claude_code.api_error': 1,
      },
      // Bash ran twice, Read once, Edit was refused; the accepted decision for Bash is not a second use.
      tools: { Bash: 2, Edit: 1, Read: 1 },
      metrics: {},
      spans: {},
    });
  });

  it('metrics: data points by metric name over every metric kind', async () => {
    const body = await metricsExport(
      (meter) => {
        meter.createCounter('claude_code.session.count').add(1, common());
        const tokens = meter.createCounter('claude_code.token.usage', { unit: 'tokens' });
        for (const type of ['input', 'output', 'cacheRead', 'cacheCreation']) {
          tokens.add(100, { ...common(), type, model: 'claude-sonnet-4-5' });
        }
        tokens.add(7, { ...common(OTHER_SESSION), type: 'input', model: 'claude-haiku-4-5' });
        meter.createCounter('claude_code.cost.usage', { unit: 'USD' }).add(0.02, common());
        const lines = meter.createCounter('claude_code.lines_of_code.count');
        lines.add(12, { ...common(), type: 'added' });
        lines.add(3, { ...common(), type: 'removed' });
        meter.createGauge('test.gauge').record(5, common());
        meter.createHistogram('test.histogram').record(12, common());
        meter.createHistogram('test.exponential_histogram').record(12, common());
      },
      encoding,
      ['test.exponential_histogram'],
    );
    expect(summaryOf('metrics', encoding, body)).toEqual({
      signal: 'metrics',
      records: 12,
      sessions: [SESSION, OTHER_SESSION],
      users: [USER_EMAIL],
      events: {},
      tools: {},
      metrics: {
        'claude_code.session.count': 1,
        'claude_code.token.usage': 5,
        'claude_code.cost.usage': 1,
        'claude_code.lines_of_code.count': 2,
        'test.gauge': 1,
        'test.histogram': 1,
        'test.exponential_histogram': 1,
      },
      spans: {},
    });
  });

  it('traces: spans by name', async () => {
    const body = await tracesExport((tracer) => {
      const interaction = tracer.startSpan('claude_code.interaction', { attributes: common() });
      tracer
        .startSpan('claude_code.llm_request', { attributes: { ...common(), model: 'claude-sonnet-4-5' } })
        .end();
      tracer.startSpan('claude_code.llm_request', { attributes: common() }).end();
      tracer.startSpan('claude_code.tool', { attributes: { ...common(), tool_name: 'Bash' } }).end();
      tracer.startSpan('claude_code.tool.execution', { attributes: common(OTHER_SESSION) }).end();
      interaction.end();
    }, encoding);
    expect(summaryOf('traces', encoding, body)).toEqual({
      signal: 'traces',
      records: 5,
      sessions: [SESSION, OTHER_SESSION],
      users: [USER_EMAIL],
      events: {},
      tools: {},
      metrics: {},
      spans: {
        'claude_code.interaction': 1,
        'claude_code.llm_request': 2,
        'claude_code.tool': 1,
        'claude_code.tool.execution': 1,
      },
    });
  });

  it('an export with no records, as an idle SDK sends it, is a valid empty export', async () => {
    const logs = summaryOf('logs', encoding, await logsExport([], encoding));
    const traces = summaryOf('traces', encoding, await tracesExport(() => {}, encoding));
    for (const summary of [logs, traces]) {
      expect(summary).toMatchObject({ records: 0, sessions: [], events: {}, tools: {}, spans: {} });
    }
  });

  it('a record without session.id takes the resource’s (OTEL_RESOURCE_ATTRIBUTES), its own one wins', async () => {
    const resource = claudeCodeResource({ 'session.id': 'from-resource', 'user.email': 'ops@example.com' });
    const body = await logsExport(
      [
        { body: 'claude_code.user_prompt', attributes: { 'event.name': 'user_prompt' } },
        {
          body: 'claude_code.user_prompt',
          attributes: { 'event.name': 'user_prompt', 'session.id': SESSION },
        },
      ],
      encoding,
      resource,
    );
    const summary = summaryOf('logs', encoding, body);
    expect(summary.sessions).toEqual(['from-resource', SESSION]);
    expect(summary.users).toEqual(['ops@example.com']);
  });
});

describe('real captures (Claude Code 2.1.332, test/fixtures/otlp/README.md)', () => {
  const captures = new URL('../fixtures/otlp/claude-code-2.1.332/', import.meta.url);
  const capture = (file: string) => new Uint8Array(readFileSync(new URL(file, captures)));
  const runs = {
    protobuf: { extension: 'pb', session: '5f568235-e6aa-4f4e-be00-bbf40a1a2260' },
    json: { extension: 'json', session: 'd3b4eb60-7f66-4735-b757-d0a613857428' },
  } as const;
  // Claude Code's user.id: a hash of the device, the same in both runs.
  const device = '5f8de316b0a7a49d32c25e668233b4a1924d063e8524387d3848e40ff7effb0c';
  const startupEvents = { 'claude_code.managed_settings_resolved': 1, 'claude_code.plugin_loaded': 5 };

  it.each(ENCODINGS)('%s: logs, metrics and traces of one session', (encoding) => {
    const { extension, session } = runs[encoding];
    const logs = summaryOf('logs', encoding, capture(`logs.${extension}`));
    // The protobuf run's first logs export ended at the prompt; the JSON run's also holds its answer.
    expect(logs).toEqual({
      signal: 'logs',
      records: encoding === 'protobuf' ? 7 : 9,
      sessions: [session],
      users: [device],
      events:
        encoding === 'protobuf'
          ? { ...startupEvents, 'claude_code.user_prompt': 1 }
          : {
              ...startupEvents,
              'claude_code.user_prompt': 1,
              'claude_code.api_request': 1,
              'claude_code.assistant_response': 1,
            },
      tools: {},
      metrics: {},
      spans: {},
    });
    expect(summaryOf('metrics', encoding, capture(`metrics.${extension}`))).toMatchObject({
      records: 8,
      sessions: [session],
      users: [device],
      metrics: {
        'claude_code.session.count': 1,
        'claude_code.cost.usage': 1,
        'claude_code.token.usage': 4,
        'claude_code.active_time.total': 2,
      },
    });
    expect(summaryOf('traces', encoding, capture(`traces.${extension}`))).toMatchObject({
      records: 2,
      sessions: [session],
      spans: { 'claude_code.interaction': 1, 'claude_code.llm_request': 1 },
    });
  });
});

describe('event names and tool uses', () => {
  async function logsSummary(records: EmittedLogRecord[]) {
    return summaryOf('logs', 'protobuf', await logsExport(records, 'protobuf'));
  }

  it('takes event_name, else the event.name attribute, else a string body', async () => {
    const summary = await logsSummary([
      { eventName: 'claude_code.api_request', body: 'something else', attributes: { 'event.name': 'other' } },
      { attributes: { 'event.name': 'custom.event' } },
      { body: 'claude_code.user_prompt' },
      { body: { structured: true } },
      { attributes: { 'session.id': SESSION } },
    ]);
    expect(summary.records).toBe(5);
    expect(summary.events).toEqual({
      'claude_code.api_request': 1,
      'custom.event': 1,
      'claude_code.user_prompt': 1,
    });
  });

  it('counts a tool use seen as both a rejecting decision and a result once, and tool events by bare name too', async () => {
    const summary = await logsSummary([
      {
        attributes: {
          'event.name': 'tool_decision',
          tool_name: 'Write',
          tool_use_id: 'toolu_9',
          decision: 'reject',
        },
      },
      {
        attributes: {
          'event.name': 'tool_result',
          tool_name: 'Write',
          tool_use_id: 'toolu_9',
          success: 'false',
        },
      },
      { attributes: { 'event.name': 'tool_result', tool_name: 'Grep' } },
      { attributes: { 'event.name': 'tool_result', tool_name: 'Grep' } },
      { attributes: { 'event.name': 'tool_decision', tool_name: 'Glob', decision: 'accept' } },
    ]);
    expect(summary.tools).toEqual({ Write: 1, Grep: 2 });
    expect(summary.events).toEqual({ tool_decision: 2, tool_result: 3 });
  });

  it('keeps the summary bounded: 32 sessions, 64 names and the rest under "other"', async () => {
    const records: EmittedLogRecord[] = [];
    for (let index = 0; index < 70; index += 1) {
      records.push({ attributes: { 'event.name': `event_${index}`, 'session.id': `session-${index}` } });
    }
    records.push({ attributes: { 'event.name': 'event_0' } });
    records.push({ attributes: { 'event.name': 'x'.repeat(300), 'session.id': 'y'.repeat(300) } });
    const summary = await logsSummary(records);
    expect(summary.records).toBe(72);
    expect(summary.sessions).toHaveLength(32);
    expect(summary.sessions[31]).toBe('session-31');
    expect(Object.keys(summary.events)).toHaveLength(65);
    expect(summary.events.event_0).toBe(2);
    expect(summary.events.event_63).toBe(1);
    expect(summary.events.event_64).toBeUndefined();
    // event_64 … event_69 and the over-long name.
    expect(summary.events.other).toBe(7);
  });
});

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
