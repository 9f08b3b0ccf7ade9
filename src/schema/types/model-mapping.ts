// GraphQL shape of a model mapping (a key's, an account's): `{ from, to }` pairs as output and input, and the
// turning of pairs into the record the services validate (`modelMappingSchema`) and back.
import { AppError } from '../../errors/app-error.js';
import { builder } from '../builder.js';

/** One model name and the name it is served as, from a `modelMapping` record. */
export interface ModelMappingPair {
  from: string;
  to: string;
}

export const ModelMappingRef = builder.objectRef<ModelMappingPair>('ModelMapping').implement({
  description: 'Requests for model `from` are served as model `to`.',
  fields: (t) => ({
    from: t.exposeString('from'),
    to: t.exposeString('to'),
  }),
});

export const ModelMappingInputRef = builder.inputType('ModelMappingInput', {
  description: 'Requests for model `from` are served as model `to`.',
  fields: (t) => ({
    from: t.string({ required: true }),
    to: t.string({ required: true }),
  }),
});

/** A model mapping as pairs, in the order they were given. */
export function modelMappingOf(mapping: Record<string, string>): ModelMappingPair[] {
  return Object.entries(mapping).map(([from, to]) => ({ from, to }));
}

/** Pairs into the record; a model mapped twice is refused rather than one of its targets silently kept. */
export function mappingRecordOf(pairs: readonly ModelMappingPair[]): Record<string, string> {
  return pairRecordOf('modelMapping', pairs, 'from');
}

/** `field`'s pairs into a record, refusing a key given twice (named as the input names it: `key`). */
export function pairRecordOf(
  field: string,
  pairs: readonly ModelMappingPair[],
  key: string,
): Record<string, string> {
  const seen = new Set<string>();
  pairs.forEach(({ from }, index) => {
    if (seen.has(from)) {
      throw new AppError('invalid_request', `${field}.${index}.${key}: ${from} is mapped already`, {
        details: { field: `${field}.${index}.${key}` },
      });
    }
    seen.add(from);
  });
  // fromEntries defines own properties, whatever the names (even `__proto__`).
  return Object.fromEntries(pairs.map(({ from, to }) => [from, to]));
}
