// Reading a Gemini client's request fields at the trust boundary: a field of the wrong type is a 400 that names
// it by its wire path (`contents[2].parts[0].functionCall.name`), as Google's own API answers.
import { AppError } from '../../../errors/app-error.js';
import { record } from '../../formats/json-values.js';

export function fieldError(field: string, message: string): AppError {
  return new AppError('invalid_request', `${field}: ${message}`, { details: { field } });
}

/** An object field; `undefined` when absent (or null, which Google's JSON reader treats as absent). */
export function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  const object = record(value);
  if (!object) throw fieldError(field, 'must be an object');
  return object;
}

export function requiredObject(value: unknown, field: string): Record<string, unknown> {
  const object = optionalObject(value, field);
  if (!object) throw fieldError(field, 'field required');
  return object;
}

/** A list field; absent reads as empty. */
export function optionalList(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fieldError(field, 'must be an array');
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw fieldError(field, 'must be a string');
  return value;
}

export function requiredString(value: unknown, field: string): string {
  const text = optionalString(value, field);
  if (text === undefined) throw fieldError(field, 'field required');
  return text;
}

export function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fieldError(field, 'must be a number');
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw fieldError(field, 'must be a boolean');
  return value;
}

export function optionalStrings(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = optionalList(value, field);
  return list.map((item, index) => requiredString(item, `${field}[${index}]`));
}
