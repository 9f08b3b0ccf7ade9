// The Anthropic Messages wire shapes this translator writes, and the one error for a request it cannot read.
import { AppError } from '../../../errors/app-error.js';

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export type WireSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'text'; media_type: 'text/plain'; data: string };

export interface WireText {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
  citations?: unknown[];
}

export interface WireImage {
  type: 'image';
  source: WireSource;
  cache_control?: CacheControl;
}

export interface WireDocument {
  type: 'document';
  source: WireSource;
  title?: string;
  context?: string;
  cache_control?: CacheControl;
}

export interface WireToolResult {
  type: 'tool_result';
  tool_use_id: string;
  content?: (WireText | WireImage | WireDocument)[];
  is_error?: boolean;
  cache_control?: CacheControl;
}

export interface WireToolUse {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: CacheControl;
}

export interface WireThinking {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface WireRedactedThinking {
  type: 'redacted_thinking';
  data: string;
}

export type WireUserBlock = WireText | WireImage | WireDocument | WireToolResult;
export type WireAssistantBlock = WireText | WireToolUse | WireThinking | WireRedactedThinking;

export type WireMessage =
  | { role: 'user'; content: WireUserBlock[] }
  | { role: 'assistant'; content: WireAssistantBlock[] };

/** The usage object of a message (and of `message_start`): input excludes the cache, output includes thinking. */
export interface WireUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
}

/** A field of the client's request that is not what the Messages API takes there: a 400 naming it. */
export function invalidField(field: string, problem: string): AppError {
  return new AppError('invalid_request', `${field}: ${problem}`, { details: { field } });
}

/** A cache marker as the API takes it, or undefined for anything else (another format's raw part). */
export function cacheControlOf(value: unknown): CacheControl | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, ttl } = value as Record<string, unknown>;
  if (type !== 'ephemeral') return undefined;
  return ttl === '5m' || ttl === '1h' ? { type, ttl } : { type };
}

/** A message id as Anthropic's clients know them (`msg_…`), from the upstream's id or else the request's. */
export function anthropicMessageId(upstreamId: string | undefined, requestId: string): string {
  const id = upstreamId ?? requestId;
  return id.startsWith('msg_') ? id : `msg_${id}`;
}
