// Turning GraphQL arguments into service inputs: GraphQL gives absent fields as undefined and explicit nulls
// as null; services take neither null.
import { z } from 'zod';
import { entityIdSchema, parseInput } from '../services/validation.js';

type Present<T> = { [K in keyof T]: Exclude<T[K], null> };

export function present<T extends object>(input: T): Present<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value != null)) as Present<T>;
}

/** An id argument, checked before it reaches a service (and a Redis key name); errors name `field`. */
export function idArg(value: string | number, field = 'id'): string {
  return parseInput(z.object({ [field]: entityIdSchema }), { [field]: String(value) })[field] as string;
}
