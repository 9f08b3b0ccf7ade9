// Parses an Anthropic Messages request body just enough to route and account it; everything else passes through.
import { AppError } from '../../../errors/app-error.js';

export interface AnthropicRequestInfo {
  model: string;
  stream: boolean;
  maxTokens: number | undefined;
  /** `metadata.user_id`, which Claude Code fills with its session identity. */
  userId: string | undefined;
  body: Record<string, unknown>;
}

export function parseAnthropicRequest(
  raw: Buffer,
  options: { requireMaxTokens: boolean },
): AnthropicRequestInfo {
  if (raw.length === 0)
    throw new AppError('invalid_request', 'Request body is empty; a JSON object is required');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new AppError('invalid_json', `Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_request', 'Request body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const model = fields.model;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new AppError('invalid_request', 'model: field required (a non-empty string)', {
      details: { field: 'model' },
    });
  }
  if (model.length > 256) {
    throw new AppError('invalid_request', 'model: is too long', { details: { field: 'model' } });
  }
  const stream = fields.stream;
  if (stream !== undefined && typeof stream !== 'boolean') {
    throw new AppError('invalid_request', 'stream: must be a boolean', { details: { field: 'stream' } });
  }
  const maxTokens = fields.max_tokens;
  if (
    maxTokens !== undefined &&
    (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)
  ) {
    throw new AppError('invalid_request', 'max_tokens: must be a positive integer', {
      details: { field: 'max_tokens' },
    });
  }
  if (options.requireMaxTokens && maxTokens === undefined) {
    throw new AppError('invalid_request', 'max_tokens: field required', { details: { field: 'max_tokens' } });
  }
  const metadata = fields.metadata;
  const userId =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>).user_id
      : undefined;
  return {
    model,
    stream: stream === true,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    userId: typeof userId === 'string' ? userId : undefined,
    body: fields,
  };
}
