// The conversation a Chat Completions request continues: its `prompt_cache_key` when the client names one,
// else a hash of the cacheable prefix (tools and the first message), which every turn repeats.
import type { IncomingHttpHeaders } from 'node:http';
import { prefixSessionId, sessionKeyPart } from '../../client/session-identity.js';
import type { RequestInfo } from '../relay-format.js';

export function chatSessionId(
  _headers: IncomingHttpHeaders,
  info: RequestInfo,
  raw: Buffer,
): string | undefined {
  const key = info.body.prompt_cache_key;
  return (
    sessionKeyPart(typeof key === 'string' && key !== '' ? key : undefined) ??
    prefixSessionId(raw, ['tools'], 'messages')
  );
}
