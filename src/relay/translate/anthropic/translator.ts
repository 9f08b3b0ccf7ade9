// The Anthropic Messages format's translator: its requests, answers and streams to and from the canonical model.
import type { FormatTranslator } from '../translator.js';
import { canonicalToAnthropicRequest } from './canonical-to-request.js';
import { canonicalToAnthropicResponse } from './canonical-to-response.js';
import { AnthropicStreamEncoder } from './canonical-to-stream.js';
import { anthropicToCanonicalRequest } from './request-to-canonical.js';
import { anthropicToCanonicalResponse } from './response-to-canonical.js';
import { AnthropicStreamDecoder } from './stream-to-canonical.js';

export const anthropicTranslator: FormatTranslator = {
  format: 'anthropic',
  toCanonicalRequest: anthropicToCanonicalRequest,
  fromCanonicalRequest: canonicalToAnthropicRequest,
  toCanonicalResponse: anthropicToCanonicalResponse,
  fromCanonicalResponse: canonicalToAnthropicResponse,
  decodeStream: () => new AnthropicStreamDecoder(),
  encodeStream: (context) => new AnthropicStreamEncoder(context),
  // The API's own stream type; Anthropic clients read any `text/event-stream`.
  streamContentType: () => 'text/event-stream; charset=utf-8',
};
