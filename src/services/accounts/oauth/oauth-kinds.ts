// The kinds this build refreshes tokens for, one row per kind: the OAuth kinds users sign in to through the relay,
// and Droid's WorkOS tokens. Everything kind-specific in the authorization flow, the token client and the refresh
// comes from here.
import type { OAuthAccountType, TokenAccountType } from '../account-types.js';
import { CLAUDE_OAUTH } from './claude-oauth-kind.js';
import { DROID_WORKOS } from './droid-workos-kind.js';
import { GEMINI_OAUTH } from './gemini-oauth-kind.js';
import type { OAuthKind, TokenKind } from './oauth-kind.js';
import { OPENAI_OAUTH } from './openai-oauth-kind.js';

export const OAUTH_KINDS: Record<OAuthAccountType, OAuthKind> = {
  'claude-oauth': CLAUDE_OAUTH,
  'openai-oauth': OPENAI_OAUTH,
  'gemini-oauth': GEMINI_OAUTH,
};

export const TOKEN_KINDS: Record<TokenAccountType, TokenKind> = {
  ...OAUTH_KINDS,
  droid: DROID_WORKOS,
};
