// Parses an Anthropic Messages request body just enough to route and account it; everything else passes through.
import type { RequestInfo } from '../relay-format.js';
import { checkFields, parseJsonObject } from '../wire-body.js';
import { messagesRequestSchema } from './schemas.js';

export interface AnthropicRequestInfo extends RequestInfo {
  /** `metadata.user_id`, which Claude Code fills with its session identity. */
  userId: string | undefined;
}

/** Messages and count_tokens bodies alike: count_tokens ignores `stream` and `max_tokens` but accepts them. */
export function parseAnthropicRequest(raw: Buffer): AnthropicRequestInfo {
  const body = parseJsonObject(raw);
  const fields = checkFields(messagesRequestSchema, body);
  const metadata = body.metadata;
  const userId =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>).user_id
      : undefined;
  const named = typeof userId === 'string' ? userId : undefined;
  return {
    model: fields.model,
    stream: body.stream === true,
    maxTokens: fields.max_tokens,
    userId: named,
    body,
    clientHints: { userId: named },
  };
}
