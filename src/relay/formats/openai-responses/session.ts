// The conversation a Responses request continues (CLIENTS.md): Codex's `session-id` header, else its
// `prompt_cache_key`, else a hash of the cacheable prefix (instructions, tools, first input item).
import type { IncomingHttpHeaders } from 'node:http';
import { prefixSessionId, sessionKeyPart } from '../../client/session-identity.js';
import type { RequestInfo } from '../relay-format.js';

export function responsesSessionId(
  headers: IncomingHttpHeaders,
  info: RequestInfo,
  raw: Buffer,
): string | undefined {
  const header = headers['session-id'];
  const named = typeof header === 'string' && header !== '' ? header : undefined;
  const key = info.body.prompt_cache_key;
  const cacheKey = typeof key === 'string' && key !== '' ? key : undefined;
  return sessionKeyPart(named, cacheKey) ?? prefixSessionId(raw, ['instructions', 'tools'], 'input');
}
