// Tool-call ids as Anthropic takes them (`^[a-zA-Z0-9_-]+$`). Other formats' ids (Gemini's, ones with dots or
// colons) are mapped deterministically, so a call and the result that names it map to the same id in any
// request, and an id already valid passes unchanged.
import { createHash } from 'node:crypto';

const VALID = /^[a-zA-Z0-9_-]+$/;

export function anthropicToolId(id: string): string {
  if (VALID.test(id)) return id;
  // The hash keeps two ids apart that differ only in the characters replaced.
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 12);
  const readable = id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return `toolu_${readable}${readable === '' ? '' : '_'}${digest}`;
}
