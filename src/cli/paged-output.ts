// What every paged CLI listing shares: its `--limit`/`--cursor` options, reading them, and its output (the page as
// JSON; for people, the rows or what to say when there are none, and the command that shows the next page).
import { integer, type OptionTable, type ParsedArgs, text } from './args.js';
import type { CommandOutput } from './command.js';

export function pageOptions(max = 500): OptionTable {
  return {
    limit: { type: 'string', value: '<n>', description: `how many to show (1-${max}, default 50)` },
    cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
  };
}

export function pageArgs(args: ParsedArgs, topic: string, max = 500): { limit?: number; cursor?: string } {
  const limit = integer(args, 'limit', { min: 1, max }, topic);
  const cursor = text(args, 'cursor');
  return { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) };
}

/** `rendered` is the page's rows as people read them; `again` the command that lists the next page. */
export function pagedOutput<T>(
  page: { items: T[]; nextCursor?: string | undefined },
  rendered: string,
  again: string,
): CommandOutput {
  const lines = [rendered];
  if (page.nextCursor) lines.push('', `More: ${again} --cursor ${page.nextCursor}`);
  return { json: { items: page.items, nextCursor: page.nextCursor ?? null }, text: lines.join('\n') };
}
