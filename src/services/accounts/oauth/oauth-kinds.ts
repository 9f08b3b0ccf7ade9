// The OAuth account kinds this build can sign in with, one row per kind; everything kind-specific in the
// authorization flow, the token client and the refresh comes from here.
import type { OAuthAccountType } from '../account-types.js';
import { CLAUDE_OAUTH } from './claude-oauth-kind.js';
import { GEMINI_OAUTH } from './gemini-oauth-kind.js';
import type { OAuthKind } from './oauth-kind.js';
import { OPENAI_OAUTH } from './openai-oauth-kind.js';

export const OAUTH_KINDS: Record<OAuthAccountType, OAuthKind> = {
  'claude-oauth': CLAUDE_OAUTH,
  'openai-oauth': OPENAI_OAUTH,
  'gemini-oauth': GEMINI_OAUTH,
};
