// Reading a Responses request's fields without trusting their shape: a value of the wrong type is a 400
// naming the field (`input[2].call_id: must be a string`), as OpenAI itself answers; absent and null read alike.
import { AppError } from '../../../errors/app-error.js';
import { record } from '../../formats/json-values.js';

export function invalidField(field: string, message: string): AppError {
  return new AppError('invalid_request', `${field}: ${message}`, { details: { field } });
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  return value;
}

export function requiredString(value: unknown, field: string): string {
  const text = optionalString(value, field);
  if (text === undefined) throw invalidField(field, 'field required (a string)');
  return text;
}

export function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidField(field, 'must be a number');
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, 'must be a boolean');
  return value;
}

export function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField(field, 'must be an array');
  return value;
}

export function requiredObject(value: unknown, field: string): Record<string, unknown> {
  const object = record(value);
  if (!object) throw invalidField(field, 'must be an object');
  return object;
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredObject(value, field);
}
