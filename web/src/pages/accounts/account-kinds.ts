// What the forms need to know about each account type: its pool, how it proves itself upstream, its defaults.
import type { AccountType, OAuthAccountType } from '@clients/generated/graphql/graphql';

/** How an account of a type proves itself upstream (the server's CREDENTIAL_OF table). */
export type CredentialKind = 'api-key' | 'oauth' | 'aws' | 'workos';

export interface AccountKind {
  label: string;
  /** The pool the server puts accounts of this type in. */
  platform: string;
  credential: CredentialKind;
  /** One line for the type picker: what the account is. */
  description: string;
  /** Where requests go when the account names no base URL; absent: the account must name one. */
  defaultBaseUrl?: string;
  /** How the credential is sent unless the account says otherwise. */
  defaultAuthHeader: 'x-api-key' | 'bearer';
}

export const ACCOUNT_KINDS: Record<AccountType, AccountKind> = {
  claude_console: {
    label: 'Claude Console',
    platform: 'claude',
    credential: 'api-key',
    description: 'An Anthropic API key (sk-ant-api…).',
    defaultBaseUrl: 'https://api.anthropic.com',
    defaultAuthHeader: 'x-api-key',
  },
  claude_oauth: {
    label: 'Claude subscription (sign-in)',
    platform: 'claude',
    credential: 'oauth',
    description: 'A Claude Pro/Max sign-in, as Claude Code signs in.',
    defaultBaseUrl: 'https://api.anthropic.com',
    defaultAuthHeader: 'bearer',
  },
  ccr: {
    label: 'Anthropic-compatible endpoint (ccr)',
    platform: 'claude',
    credential: 'api-key',
    description: 'Any endpoint that speaks the Anthropic Messages API; it needs a base URL.',
    defaultAuthHeader: 'x-api-key',
  },
  bedrock: {
    label: 'AWS Bedrock',
    platform: 'claude',
    credential: 'aws',
    description: 'Claude on Bedrock: a region and a Bedrock API key or AWS access keys.',
    defaultAuthHeader: 'x-api-key',
  },
  openai_api: {
    label: 'OpenAI API',
    platform: 'openai',
    credential: 'api-key',
    description: 'An OpenAI API key.',
    defaultBaseUrl: 'https://api.openai.com/v1',
    defaultAuthHeader: 'bearer',
  },
  openai_oauth: {
    label: 'ChatGPT subscription (sign-in)',
    platform: 'openai',
    credential: 'oauth',
    description: 'A ChatGPT sign-in, as the Codex CLI signs in.',
    defaultBaseUrl: 'https://chatgpt.com/backend-api/codex',
    defaultAuthHeader: 'bearer',
  },
  openai_compatible: {
    label: 'OpenAI-compatible endpoint',
    platform: 'openai',
    credential: 'api-key',
    description:
      'A Chat Completions endpoint (DeepSeek, Groq, OpenRouter, vLLM, Ollama…); it needs a base URL.',
    defaultAuthHeader: 'bearer',
  },
  azure_openai: {
    label: 'Azure OpenAI',
    platform: 'azure',
    credential: 'api-key',
    description: 'An Azure OpenAI resource (https://<resource>.openai.azure.com) and its key.',
    defaultAuthHeader: 'x-api-key',
  },
  gemini_api: {
    label: 'Gemini API (AI Studio)',
    platform: 'gemini',
    credential: 'api-key',
    description: 'A Google AI Studio API key.',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    defaultAuthHeader: 'x-api-key',
  },
  gemini_oauth: {
    label: 'Google sign-in (Gemini CLI)',
    platform: 'gemini',
    credential: 'oauth',
    description: 'A Google sign-in calling Code Assist, as Gemini CLI’s “Login with Google” does.',
    defaultBaseUrl: 'https://cloudcode-pa.googleapis.com',
    defaultAuthHeader: 'bearer',
  },
  droid: {
    label: 'Factory Droid',
    platform: 'droid',
    credential: 'workos',
    description: 'A Factory API key (fk-…) or the refresh token of a Droid CLI sign-in.',
    defaultBaseUrl: 'https://api.factory.ai/api/llm',
    defaultAuthHeader: 'bearer',
  },
};

/** The order the type picker lists them in: by pool, the common kinds first. */
export const ACCOUNT_TYPE_ORDER: readonly AccountType[] = [
  'claude_oauth',
  'claude_console',
  'ccr',
  'bedrock',
  'openai_oauth',
  'openai_api',
  'openai_compatible',
  'azure_openai',
  'gemini_oauth',
  'gemini_api',
  'droid',
];

/** The account pools, as groups name them. */
export const PLATFORMS: readonly string[] = ['claude', 'openai', 'azure', 'gemini', 'droid'];

export function isOAuthType(type: AccountType): type is OAuthAccountType {
  return ACCOUNT_KINDS[type].credential === 'oauth';
}

export function kindLabel(type: AccountType): string {
  return ACCOUNT_KINDS[type].label;
}

/** Where a sign-in of each kind happens and what to paste back afterwards (startAccountOAuth's description). */
export const SIGN_IN_HINTS: Record<OAuthAccountType, { provider: string; paste: string }> = {
  claude_oauth: {
    provider: 'Claude',
    paste: 'Paste the code Claude shows after you sign in (it looks like code#state).',
  },
  openai_oauth: {
    provider: 'ChatGPT',
    paste:
      'Paste the whole URL the browser ends on after you sign in (http://localhost:1455/auth/callback?code=…). ' +
      'That page does not load; that is expected.',
  },
  gemini_oauth: {
    provider: 'Google',
    paste: 'Paste the code Google shows after you sign in.',
  },
};
