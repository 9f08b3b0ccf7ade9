// A bounded summary of one OTLP export (what the relay keeps of Claude Code's telemetry) and the builder that
// folds records into it as the decoders hand them over: no client can grow it past a fixed size.
import {
  type OtlpLogRecord,
  OtlpReadError,
  type OtlpSignal,
  type OtlpSink,
  type WatchedAttributes,
} from './otlp-sink.js';

export const SUMMARY_LIMITS = {
  /** Records (data points, log records, spans) in one export; past this the export is refused. */
  records: 100_000,
  sessions: 32,
  users: 8,
  /** Distinct names per counter; the rest are counted under {@link OTHER}. */
  names: 64,
  /** Longer strings are no name or id we want: names count under {@link OTHER}, ids are dropped. */
  textLength: 256,
  /** Tool use ids remembered to count a use once when both its decision and its result are in the export. */
  toolUseIds: 1_024,
} as const;

export const OTHER = 'other';

export interface TelemetrySummary {
  signal: OtlpSignal;
  /** Records in the export: data points, log records or spans. */
  records: number;
  /** Distinct session ids seen (`session.id`), the first {@link SUMMARY_LIMITS.sessions}. */
  sessions: string[];
  /** Distinct users seen (`user.email`, else `user.id`), the first {@link SUMMARY_LIMITS.users}. */
  users: string[];
  /** Log events by name (see {@link eventNameOf}); bounded, the rest under "other". */
  events: Record<string, number>;
  /** Tool uses by tool name, from tool_result and rejecting tool_decision events; bounded likewise. */
  tools: Record<string, number>;
  /** Data points by metric name (metrics exports); bounded likewise. */
  metrics: Record<string, number>;
  /** Spans by name (trace exports); bounded likewise. */
  spans: Record<string, number>;
}

/** Claude Code's namespace for its events; the bare names are what its `event.name` attribute holds. */
const CLAUDE_CODE_PREFIX = 'claude_code.';

export class SummaryBuilder implements OtlpSink {
  private records = 0;
  private readonly sessions = new Set<string>();
  private readonly users = new Set<string>();
  private readonly events = new Map<string, number>();
  private readonly tools = new Map<string, number>();
  private readonly metrics = new Map<string, number>();
  private readonly spans = new Map<string, number>();
  private readonly toolUseIds = new Set<string>();

  constructor(private readonly signal: OtlpSignal) {}

  logRecord(record: OtlpLogRecord): void {
    this.countRecord(record.attributes);
    const name = eventNameOf(record);
    if (name === undefined) return;
    count(this.events, name);
    this.countToolUse(name, record.attributes);
  }

  dataPoint(metricName: string, attributes: WatchedAttributes): void {
    this.countRecord(attributes);
    count(this.metrics, metricName);
  }

  span(name: string, attributes: WatchedAttributes): void {
    this.countRecord(attributes);
    count(this.spans, name);
  }

  finish(): TelemetrySummary {
    return {
      signal: this.signal,
      records: this.records,
      sessions: [...this.sessions],
      users: [...this.users],
      events: Object.fromEntries(this.events),
      tools: Object.fromEntries(this.tools),
      metrics: Object.fromEntries(this.metrics),
      spans: Object.fromEntries(this.spans),
    };
  }

  private countRecord(attributes: WatchedAttributes): void {
    this.records += 1;
    if (this.records > SUMMARY_LIMITS.records) {
      throw new OtlpReadError(`more than ${SUMMARY_LIMITS.records} records`);
    }
    remember(this.sessions, attributes['session.id'], SUMMARY_LIMITS.sessions);
    remember(this.users, attributes['user.email'] || attributes['user.id'], SUMMARY_LIMITS.users);
  }

  /**
   * Every tool use that ran reports a tool_result; one the user or a rule refused reports a tool_decision with
   * decision "reject" instead (Claude Code's values are "accept" and "reject"), so those two count a use, and
   * an accepting decision does not (its result follows). A use seen both ways in one export counts once.
   */
  private countToolUse(eventName: string, attributes: WatchedAttributes): void {
    const bare = eventName.startsWith(CLAUDE_CODE_PREFIX)
      ? eventName.slice(CLAUDE_CODE_PREFIX.length)
      : eventName;
    const isUse = bare === 'tool_result' || (bare === 'tool_decision' && attributes.decision === 'reject');
    const toolName = attributes.tool_name;
    if (!isUse || !toolName) return;
    const useId = attributes.tool_use_id;
    if (useId) {
      if (this.toolUseIds.has(useId)) return;
      remember(this.toolUseIds, useId, SUMMARY_LIMITS.toolUseIds);
    }
    count(this.tools, toolName);
  }
}

/**
 * A log record's event name: the LogRecord `event_name` field, else the `event.name` attribute, else a string
 * body. Claude Code (2.1.x) sets no `event_name`, puts the bare name in `event.name` ("tool_result") and the
 * qualified one in the body ("claude_code.tool_result"); the qualified form is kept, so names read the same
 * whichever way an emitter sends them.
 */
function eventNameOf(record: OtlpLogRecord): string | undefined {
  const name = record.eventName || record.attributes['event.name'] || record.body;
  if (!name) return undefined;
  const body = record.body;
  if (!name.includes('.') && body !== undefined && body.endsWith(`.${name}`)) return body;
  return name;
}

function count(counts: Map<string, number>, name: string): void {
  const key =
    name.length <= SUMMARY_LIMITS.textLength && (counts.has(name) || counts.size < SUMMARY_LIMITS.names)
      ? name
      : OTHER;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function remember(values: Set<string>, value: string | undefined, limit: number): void {
  if (!value || value.length > SUMMARY_LIMITS.textLength || values.size >= limit) return;
  values.add(value);
}
