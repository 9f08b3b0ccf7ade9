// Parses a Chat Completions request body just enough to route and account it; everything else passes through.

import { topLevelFields } from '../../stream/json-scan.js';
import type { RequestInfo } from '../relay-format.js';
import { checkFields, parseJsonObject } from '../wire-body.js';
import { chatRequestSchema } from './schemas.js';

export function parseChatRequest(raw: Buffer): RequestInfo {
  const body = parseJsonObject(raw);
  const fields = checkFields(chatRequestSchema, body);
  return {
    model: fields.model,
    stream: fields.stream === true,
    // `max_completion_tokens` replaced `max_tokens`; a client may still send the older one.
    maxTokens: fields.max_completion_tokens ?? fields.max_tokens ?? undefined,
    body,
    clientHints: {},
  };
}

/** Whether a streaming client asked for the final usage chunk itself (`stream_options.include_usage`). */
export function clientAsksUsage(body: Record<string, unknown> | undefined): boolean {
  const options = body?.stream_options;
  return (
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>).include_usage === true
  );
}

/**
 * The body asking the upstream for the final usage chunk (`stream_options.include_usage: true`), the rest of
 * its bytes untouched: the relay needs exact usage whether or not the client asked to see it.
 */
export function withUsageChunk(raw: Buffer): Buffer {
  const range = topLevelFields(raw, ['stream_options']).get('stream_options');
  if (!range) {
    return Buffer.concat([
      raw.subarray(0, 1),
      Buffer.from('"stream_options":{"include_usage":true},'),
      raw.subarray(1),
    ]);
  }
  let options: unknown;
  try {
    options = JSON.parse(raw.subarray(range.start, range.end).toString('utf8'));
  } catch {
    options = undefined;
  }
  const merged = { ...(typeof options === 'object' && options !== null ? options : {}), include_usage: true };
  return Buffer.concat([
    raw.subarray(0, range.start),
    Buffer.from(JSON.stringify(merged)),
    raw.subarray(range.end),
  ]);
}
