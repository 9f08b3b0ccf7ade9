// Parses a Responses request body just enough to route and account it; everything else passes through.
import type { RequestInfo } from '../relay-format.js';
import { checkFields, parseJsonObject } from '../wire-body.js';
import { responsesRequestSchema } from './schemas.js';

export interface ResponsesRequestInfo extends RequestInfo {
  /** Codex's conversation id, when the body carries one. */
  promptCacheKey: string | undefined;
}

export function parseResponsesRequest(raw: Buffer): ResponsesRequestInfo {
  const body = parseJsonObject(raw);
  const fields = checkFields(responsesRequestSchema, body);
  return {
    model: fields.model,
    stream: fields.stream === true,
    maxTokens: fields.max_output_tokens ?? undefined,
    promptCacheKey: fields.prompt_cache_key ?? undefined,
    body,
    clientHints: {},
  };
}
