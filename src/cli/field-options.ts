// Names the option behind a service's validation error: services speak of record fields (`condition.windowMs`,
// `to.1`) that a CLI user never typed, so the message gains the option (and, for lists, the value given).
import { AppError, isAppError } from '../errors/app-error.js';
import { list, type OptionTable, type ParsedArgs } from './args.js';

/** Record field → the option that sets it; a field's first segments match too (`to` for `to.1`). */
export type FieldOptions = Readonly<Record<string, string>>;

/** The option a field was set by, and the list index when the field is one item of a repeatable option. */
export function optionOfField(
  fields: FieldOptions,
  field: string,
): { option: string; index?: number } | undefined {
  const segments = field.split('.');
  for (let length = segments.length; length > 0; length--) {
    const option = fields[segments.slice(0, length).join('.')];
    if (option === undefined) continue;
    const next = segments[length];
    return next !== undefined && /^\d+$/.test(next) ? { option, index: Number(next) } : { option };
  }
  return undefined;
}

/**
 * Runs a write, adding the option to the service's validation errors. Only a repeatable option's value is
 * quoted back (`--to "not-an-address"`): single values may be secrets, and the user knows what they typed.
 */
export async function explained<T>(
  fields: FieldOptions,
  table: OptionTable,
  args: ParsedArgs,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const field = isAppError(error) && error.code === 'invalid_request' ? error.details?.field : undefined;
    const found = typeof field === 'string' ? optionOfField(fields, field) : undefined;
    if (!isAppError(error) || found === undefined) throw error;
    const repeatable = table[found.option]?.multiple === true;
    const value =
      found.index === undefined || !repeatable ? undefined : list(args, found.option)[found.index];
    const given = value === undefined ? `--${found.option}` : `--${found.option} "${value}"`;
    throw new AppError('invalid_request', `${error.message} (${given})`, { details: error.details });
  }
}
