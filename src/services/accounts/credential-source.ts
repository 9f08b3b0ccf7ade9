// The secret the relay presents upstream for an account, at the moment of the call: OAuth access tokens
// change under a running process (refresh), API keys do not.
import type { AccountRuntime } from './account-types.js';

export interface CredentialSource {
  /** A plain value for static credentials, so the common case costs no promise. */
  forAccount(runtime: AccountRuntime): string | Promise<string>;
}

/** Access tokens of OAuth accounts, refreshed as they near expiry. */
export interface AccessTokenSource {
  accessToken(runtime: AccountRuntime): Promise<string>;
}

export class AccountCredentials implements CredentialSource {
  constructor(private readonly oauth: AccessTokenSource) {}

  forAccount(runtime: AccountRuntime): string | Promise<string> {
    if (runtime.account.type === 'claude-oauth') return this.oauth.accessToken(runtime);
    return runtime.secrets.apiKey ?? '';
  }
}
