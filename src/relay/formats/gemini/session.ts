// The conversation a Gemini request continues. Gemini CLI and the genai SDK name none on the public API
// (CLIENTS.md), so it is a hash of the cacheable prefix: the system instruction, the tools and the first content.
// In its Code Assist mode Gemini CLI names its session (`request.session_id`).
import type { IncomingHttpHeaders } from 'node:http';
import { prefixSessionId, sessionKeyPart } from '../../client/session-identity.js';
import { record } from '../json-values.js';
import type { RequestInfo } from '../relay-format.js';

export function geminiSessionId(
  _headers: IncomingHttpHeaders,
  _info: RequestInfo,
  raw: Buffer,
): string | undefined {
  return prefixSessionId(raw, ['systemInstruction', 'tools'], 'contents');
}

export function codeAssistSessionId(
  _headers: IncomingHttpHeaders,
  info: RequestInfo,
  _raw: Buffer,
): string | undefined {
  const session = record(info.body.request)?.session_id;
  return typeof session === 'string' && session !== '' ? sessionKeyPart(session) : undefined;
}
