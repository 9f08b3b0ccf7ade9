// The Gemini translator: the public Gemini API's generateContent and streamGenerateContent, as @google/genai
// and Gemini CLI speak them, to and from the canonical model.
import type { FormatTranslator } from '../translator.js';
import { canonicalToGeminiRequest } from './canonical-to-request.js';
import { canonicalToGeminiResponse } from './canonical-to-response.js';
import { GeminiStreamEncoder, isSseQuery } from './canonical-to-stream.js';
import { geminiToCanonicalRequest } from './request-to-canonical.js';
import { geminiToCanonicalResponse } from './response-to-canonical.js';
import { geminiStreamDecoder } from './stream-to-canonical.js';

export const geminiTranslator: FormatTranslator = {
  format: 'gemini',
  toCanonicalRequest: geminiToCanonicalRequest,
  fromCanonicalRequest: canonicalToGeminiRequest,
  toCanonicalResponse: geminiToCanonicalResponse,
  fromCanonicalResponse: canonicalToGeminiResponse,
  decodeStream: geminiStreamDecoder,
  encodeStream: (context) => new GeminiStreamEncoder(context),
  // Google answers a stream without `alt=sse` as one JSON array.
  streamContentType: (clientQuery) => (isSseQuery(clientQuery) ? 'text/event-stream' : 'application/json'),
  // The decoder reads either framing; SSE is what Google's own SDK asks for.
  upstreamQuery: (stream) => (stream ? 'alt=sse' : ''),
};
