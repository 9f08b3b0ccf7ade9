// Validates service inputs with zod and turns failures into AppErrors that name the offending field.
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(result.error.issues);
}

/** A validation issue as zod or any Standard Schema validator reports it (path segments may be `{ key }`). */
export interface InputIssue {
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
  readonly message: string;
}

/**
 * The one shape of a validation failure, whichever surface validated: `invalid_request` naming the first
 * offending field (`limits.concurrency`), with every issue in `details.issues`.
 */
export function invalidInput(found: readonly InputIssue[]): AppError {
  const issues = found.map((issue) => ({
    field:
      (issue.path ?? []).map((step) => String(typeof step === 'object' ? step.key : step)).join('.') ||
      '(input)',
    message: issue.message,
  }));
  const first = issues[0] ?? { field: '(input)', message: 'is invalid' };
  return new AppError('invalid_request', `${first.field}: ${first.message}`, {
    details: { field: first.field, issues },
  });
}

/** Ids of stored records (users, keys, accounts, groups): anything longer is no id of ours. */
export const entityIdSchema = z.string().trim().min(1, { error: 'must not be empty' }).max(100, {
  error: 'must be at most 100 characters',
});
