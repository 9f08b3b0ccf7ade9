// The OpenAI Responses translator (Codex CLI, the openai SDK's `responses`): its requests, answers and streams
// to and from the canonical model.
import type { FormatTranslator } from '../translator.js';
import { renderResponsesRequest } from './canonical-to-request.js';
import { renderResponsesAnswer } from './canonical-to-response.js';
import { ResponsesStreamEncoder } from './canonical-to-stream.js';
import { readResponsesRequest } from './request-to-canonical.js';
import { readResponsesAnswer } from './response-to-canonical.js';
import { ResponsesStreamDecoder } from './stream-to-canonical.js';

export const responsesTranslator: FormatTranslator = {
  format: 'openai-responses',
  toCanonicalRequest: readResponsesRequest,
  fromCanonicalRequest: renderResponsesRequest,
  toCanonicalResponse: readResponsesAnswer,
  fromCanonicalResponse: renderResponsesAnswer,
  decodeStream: () => new ResponsesStreamDecoder(),
  encodeStream: (context) => new ResponsesStreamEncoder(context),
  streamContentType: () => 'text/event-stream',
};
