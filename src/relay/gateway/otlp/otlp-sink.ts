// The contract between the OTLP decoders (protobuf, JSON) and what they feed: the few facts read from each
// record, handed over one record at a time so that no decoded copy of the export is ever built.

export type OtlpSignal = 'metrics' | 'logs' | 'traces';

/**
 * The attributes we read, by their OTLP keys (Claude Code's names: `session.id`, `user.id`, `user.email` on
 * every event and data point; `tool_name`, `tool_use_id`, `decision` on tool events; `event.name` on events).
 * Every other attribute is skipped unread.
 */
export const WATCHED_ATTRIBUTES = [
  'session.id',
  'user.id',
  'user.email',
  'tool_name',
  'tool_use_id',
  'decision',
  'event.name',
] as const;
export type WatchedAttribute = (typeof WATCHED_ATTRIBUTES)[number];

/** Watched attributes with a string value; a record's own attributes over its resource's. */
export type WatchedAttributes = Partial<Record<WatchedAttribute, string>>;

const watched: ReadonlySet<string> = new Set(WATCHED_ATTRIBUTES);

export function isWatchedAttribute(key: string): key is WatchedAttribute {
  return watched.has(key);
}

export interface OtlpLogRecord {
  /** The LogRecord `event_name` field (OTLP 1.5+), when set. */
  eventName: string | undefined;
  /** The body when it is a string (Claude Code puts the qualified event name there). */
  body: string | undefined;
  attributes: WatchedAttributes;
}

export interface OtlpSink {
  logRecord(record: OtlpLogRecord): void;
  /** One data point of the named metric, whatever the metric's kind. */
  dataPoint(metricName: string, attributes: WatchedAttributes): void;
  span(name: string, attributes: WatchedAttributes): void;
}

/** A structurally invalid export, or one past our bounds; the message goes back to the client in a 400. */
export class OtlpReadError extends Error {
  override readonly name = 'OtlpReadError';
}
