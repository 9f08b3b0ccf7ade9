// The server's field errors for one input: by its exact path, or by an item below it (`channelIds.2`, `to.0`).

export function errorAt(errors: Record<string, string>, field: string): string | undefined {
  const exact = errors[field];
  if (exact !== undefined) return exact;
  const prefix = `${field}.`;
  const nested = Object.entries(errors).find(([path]) => path.startsWith(prefix));
  if (!nested) return undefined;
  // An item's error names the item, so the message beside the list still says which one (counted from 1).
  const item = nested[0].slice(prefix.length);
  const position = /^\d+$/.test(item) ? `item ${Number(item) + 1}` : item;
  return `${position}: ${nested[1]}`;
}

/** Whether any of the errors belongs to a field the form shows (else the form shows it as a notice). */
export function showsError(errors: Record<string, string>, fields: readonly string[]): boolean {
  return fields.some((field) => errorAt(errors, field) !== undefined);
}

/**
 * The server's message for `path` or anything below it, as it stands (`proxy` shows `proxy.host`'s,
 * `modelAllow.3` shows beside the allow list), for the input that stands for that part of the form.
 */
export function messageUnder(fieldErrors: Record<string, string>, path: string): string | undefined {
  for (const [field, message] of Object.entries(fieldErrors)) {
    if (field === path || field.startsWith(`${path}.`)) return message;
  }
  return undefined;
}
