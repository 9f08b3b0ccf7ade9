// Validates service inputs with zod and turns failures into AppErrors that name the offending field.
import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }));
  const first = issues[0] ?? { field: '(input)', message: 'is invalid' };
  throw new AppError('invalid_request', `${first.field}: ${first.message}`, {
    details: { field: first.field, issues },
  });
}
