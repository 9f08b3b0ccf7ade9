// Reads an OAuth endpoint's form body (application/x-www-form-urlencoded, RFC 6749 §3.2): small, bounded, and
// refused as `invalid_request` in any other encoding. Unknown parameters are kept and ignored by callers, as
// RFC 6749 and Claude Code's protocol ask.
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import { readBody } from '../../http/read-body.js';

const FORM_LIMIT_BYTES = 16 * 1024;

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const body = await readBody(req, FORM_LIMIT_BYTES);
  if (type !== 'application/x-www-form-urlencoded') {
    throw new AppError('invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  return new URLSearchParams(body.toString('utf8'));
}

/** A parameter that must be present once and non-empty (RFC 6749 §3.2: repeated parameters are an error). */
export function requiredParameter(form: URLSearchParams, name: string, maxLength = 4096): string {
  const values = form.getAll(name);
  const value = values[0]?.trim();
  if (values.length !== 1 || !value) {
    throw new AppError('invalid_request', `The form needs exactly one non-empty "${name}"`);
  }
  if (value.length > maxLength) throw new AppError('invalid_request', `"${name}" is too long`);
  return value;
}

export function optionalParameter(
  form: URLSearchParams,
  name: string,
  maxLength: number,
): string | undefined {
  const value = form.get(name)?.trim();
  return value ? value.slice(0, maxLength) : undefined;
}
