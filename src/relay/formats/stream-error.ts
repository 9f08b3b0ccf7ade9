// An upstream's in-stream error object read the same way for every format: its name (the first of the named
// fields that is a string), its message, and whose fault the format's table of names says it is.
import type { StreamErrorBlame } from '../../services/accounts/account-signals.js';
import type { StreamError } from '../exchange/stream-tap.js';
import { field } from './json-values.js';

export interface StreamErrorNames {
  /** The fields that may name the error, in order (`code`, then `type`). */
  fields: readonly string[];
  /** The name of an error that gives none. */
  fallback: string;
  /** Whose fault an error of this name is; unknown names are the account's. */
  blame: (name: string) => StreamErrorBlame;
}

export function streamErrorOf(value: unknown, names: StreamErrorNames): StreamError {
  let type = names.fallback;
  for (const name of names.fields) {
    const found = field(value, name);
    if (typeof found === 'string') {
      type = found;
      break;
    }
  }
  const message = field(value, 'message');
  return {
    type,
    message: typeof message === 'string' ? message : 'upstream stream error',
    blame: names.blame(type),
  };
}
