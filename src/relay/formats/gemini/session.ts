// The conversation a Gemini request continues. Gemini CLI and the genai SDK name none (CLIENTS.md), so it is a
// hash of the cacheable prefix: the system instruction, the tools and the first content.
import type { IncomingHttpHeaders } from 'node:http';
import { prefixSessionId } from '../../client/session-identity.js';
import type { RequestInfo } from '../relay-format.js';

export function geminiSessionId(
  _headers: IncomingHttpHeaders,
  _info: RequestInfo,
  raw: Buffer,
): string | undefined {
  return prefixSessionId(raw, ['systemInstruction', 'tools'], 'contents');
}
