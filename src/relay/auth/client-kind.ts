// Recognises the AI client behind a request from its user agent and client-specific headers (CLIENTS.md).
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientKind } from '../../services/domain/platforms.js';

export interface ClientHints {
  /** Anthropic `metadata.user_id`. */
  userId?: string | undefined;
}

const CLAUDE_CODE_USER_ID = /^user_[0-9a-f]{64}_account_[0-9a-f-]*_session_[0-9a-f-]{36}$/;

function text(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Claude Code sends `metadata.user_id` as a JSON string holding its session id, or in a legacy flat form. */
function isClaudeCodeUserId(userId: string | undefined): boolean {
  if (!userId) return false;
  if (CLAUDE_CODE_USER_ID.test(userId)) return true;
  if (!userId.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(userId);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { session_id?: unknown }).session_id === 'string'
    );
  } catch {
    return false;
  }
}

export function detectClient(headers: IncomingHttpHeaders, hints: ClientHints = {}): ClientKind | undefined {
  const agent = text(headers['user-agent']).toLowerCase();
  if (agent.startsWith('claude-cli/') || agent.includes('claude-code')) return 'claude-code';
  if (headers['x-claude-code-session-id'] !== undefined || isClaudeCodeUserId(hints.userId))
    return 'claude-code';
  const originator = text(headers.originator).toLowerCase();
  if (agent.startsWith('codex_') || agent.startsWith('codex-') || originator.startsWith('codex'))
    return 'codex';
  // Codex sends one id as session-id, thread-id and x-client-request-id alike.
  const session = text(headers['session-id']);
  if (session !== '' && session === text(headers['thread-id'])) return 'codex';
  if (agent.includes('geminicli/') || agent.includes('gemini-cli')) return 'gemini-cli';
  if (headers['x-gemini-api-privileged-user-id'] !== undefined) return 'gemini-cli';
  if (agent.includes('factory-cli') || agent.startsWith('droid')) return 'droid';
  return undefined;
}
