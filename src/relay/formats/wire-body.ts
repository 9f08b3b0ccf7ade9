// Reading a client's JSON body at a trust boundary, shared by every format: the body must be one JSON object,
// and its top-level fields are checked by the format's lenient zod schema (unknown fields survive untouched).
import type { z } from 'zod';
import { AppError } from '../../errors/app-error.js';

export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) {
    throw new AppError('invalid_request', 'Request body is empty; a JSON object is required');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new AppError('invalid_json', `Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_request', 'Request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * Checks the fields a format reads; the first problem becomes a 400 naming its field (`model: …`), as the
 * vendors' own APIs answer. The body itself is returned as parsed, so nothing the schema does not name changes.
 */
export function checkFields<Schema extends z.ZodType>(
  schema: Schema,
  body: Record<string, unknown>,
): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw new AppError('invalid_request', `${field}: ${issue?.message ?? 'is invalid'}`, {
    details: { field },
  });
}
