// Recognises the AI client behind a request from its user agent and client-specific headers (CLIENTS.md).
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientKind } from '../../services/domain/platforms.js';
import { claudeCodeSessionId } from './session-identity.js';

export interface ClientHints {
  /** Anthropic `metadata.user_id`. */
  userId?: string | undefined;
}

function text(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export function detectClient(headers: IncomingHttpHeaders, hints: ClientHints = {}): ClientKind | undefined {
  const agent = text(headers['user-agent']).toLowerCase();
  if (agent.startsWith('claude-cli/') || agent.includes('claude-code')) return 'claude-code';
  if (headers['x-claude-code-session-id'] !== undefined || claudeCodeSessionId(hints.userId) !== undefined)
    return 'claude-code';
  const originator = text(headers.originator).toLowerCase();
  if (agent.startsWith('codex_') || agent.startsWith('codex-') || originator.startsWith('codex'))
    return 'codex';
  // Codex sends one id as session-id, thread-id and x-client-request-id alike.
  const session = text(headers['session-id']);
  if (session !== '' && session === text(headers['thread-id'])) return 'codex';
  // `GeminiCLI/<version>/…`, or `GeminiCLI-tui/…` and `GeminiCLI-<surface>/…` from recent releases.
  if (agent.startsWith('geminicli') || agent.includes('gemini-cli')) return 'gemini-cli';
  if (headers['x-gemini-api-privileged-user-id'] !== undefined) return 'gemini-cli';
  if (agent.includes('factory-cli') || agent.startsWith('droid')) return 'droid';
  return undefined;
}
