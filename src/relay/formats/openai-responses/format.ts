// The OpenAI Responses format: what the pipeline needs to serve its clients (Codex CLI, the openai SDK's
// `responses` API).
import type { RelayFormat } from '../relay-format.js';
import { capResponsesOutput, measureResponsesInput } from './budget.js';
import { responsesErrors } from './errors.js';
import { parseResponsesRequest } from './request.js';
import { responsesSessionId } from './session.js';
import { ResponsesStreamTap } from './stream-tap.js';
import { responsesUsageFromBody } from './usage.js';

export const responsesFormat: RelayFormat = {
  name: 'openai-responses',
  errors: responsesErrors,
  parse: (raw) => parseResponsesRequest(raw),
  sessionId: responsesSessionId,
  measureInput: (raw, info) => measureResponsesInput(raw, info.body),
  capOutput: (raw, _info, maxTokens) => capResponsesOutput(raw, maxTokens),
  createTap: ({ inputEstimate }) => new ResponsesStreamTap(inputEstimate),
  usageFromBody: responsesUsageFromBody,
  testBody: (model) =>
    Buffer.from(JSON.stringify({ model, max_output_tokens: 16, input: 'ping', store: false })),
};
