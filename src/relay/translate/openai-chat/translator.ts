// The OpenAI Chat Completions translator: Chat requests, answers and streams to and from the canonical model.
import type { FormatTranslator } from '../translator.js';
import { canonicalToChatRequest } from './canonical-to-request.js';
import { canonicalToChatResponse } from './canonical-to-response.js';
import { ChatStreamEncoder } from './canonical-to-stream.js';
import { chatRequestToCanonical } from './request-to-canonical.js';
import { chatResponseToCanonical } from './response-to-canonical.js';
import { ChatStreamDecoder } from './stream-to-canonical.js';

export const chatTranslator: FormatTranslator = {
  format: 'openai-chat',
  toCanonicalRequest: chatRequestToCanonical,
  fromCanonicalRequest: canonicalToChatRequest,
  toCanonicalResponse: chatResponseToCanonical,
  fromCanonicalResponse: canonicalToChatResponse,
  decodeStream: () => new ChatStreamDecoder(),
  encodeStream: (context) => new ChatStreamEncoder(context),
  streamContentType: () => 'text/event-stream; charset=utf-8',
};
