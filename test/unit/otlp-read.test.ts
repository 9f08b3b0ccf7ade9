// Reading OTLP/HTTP exports as Claude Code sends them to a gateway: exports made by OpenTelemetry's own SDKs
// and serializers in both encodings, and real captures of Claude Code, come back as the expected summary, with
// events named and tool uses counted the way the gateway reports them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  claudeCodeResource,
  claudeSession,
  common,
  type EmittedLogRecord,
  ENCODINGS,
  logsExport,
  metricsExport,
  OTHER_SESSION,
  SESSION,
  summaryOf,
  tracesExport,
  USER_EMAIL,
} from '../support/otlp-exports.js';

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
