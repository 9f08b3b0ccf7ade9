// The session identity of an Anthropic Messages request, for sticky routing (CLIENTS.md).
import type { IncomingHttpHeaders } from 'node:http';
import {
  claudeCodeSessionId,
  headerSessionId,
  prefixSessionId,
  sessionKeyPart,
} from '../../client/session-identity.js';
import type { RequestInfo } from '../relay-format.js';

/** Claude Code's header or `metadata.user_id`, else the hash of the cacheable prefix (system, tools, first message). */
export function anthropicSessionId(
  headers: IncomingHttpHeaders,
  info: RequestInfo,
  raw: Buffer,
): string | undefined {
  const named = headerSessionId(headers) ?? claudeCodeSessionId(info.clientHints.userId);
  if (named) return sessionKeyPart(named);
  return prefixSessionId(raw, ['system', 'tools'], 'messages');
}
