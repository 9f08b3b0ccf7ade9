// The secret the relay presents upstream for an account, at the moment of the call: OAuth access tokens
// change under a running process (refresh), API keys do not.
import { assertNever } from '../../lib/assert-never.js';
import { type AccountRuntime, CREDENTIAL_OF } from './account-types.js';

export interface CredentialSource {
  /** A plain value for static credentials, so the common case costs no promise. */
  forAccount(runtime: AccountRuntime): string | Promise<string>;
  /**
   * The upstream refused the account's credential. True when a new one will be tried on the next use (an
   * OAuth token is refreshed); false when the account itself must be taken out of service.
   */
  refused(runtime: AccountRuntime): boolean;
}

/** Access tokens of OAuth accounts, refreshed as they near expiry. */
export interface AccessTokenSource {
  accessToken(runtime: AccountRuntime): Promise<string>;
  tokenRejected(runtime: AccountRuntime): boolean;
}

export class AccountCredentials implements CredentialSource {
  constructor(private readonly oauth: AccessTokenSource) {}

  forAccount(runtime: AccountRuntime): string | Promise<string> {
    const kind = CREDENTIAL_OF[runtime.account.type];
    switch (kind) {
      case 'oauth':
        return this.oauth.accessToken(runtime);
      // A Factory API key, when the account has one, stands in for the WorkOS tokens.
      case 'workos':
        return runtime.secrets.apiKey ?? this.oauth.accessToken(runtime);
      // AWS accounts sign with their key pair elsewhere; a Bedrock API key is their bearer token.
      case 'api-key':
      case 'aws':
        return runtime.secrets.apiKey ?? '';
      default:
        return assertNever(kind);
    }
  }

  refused(runtime: AccountRuntime): boolean {
    return presentsAccessToken(runtime) && this.oauth.tokenRejected(runtime);
  }
}

/** Whether the account's credential is a refreshed access token, which a refresh may replace. */
function presentsAccessToken(runtime: AccountRuntime): boolean {
  const kind = CREDENTIAL_OF[runtime.account.type];
  return kind === 'oauth' || (kind === 'workos' && runtime.secrets.apiKey === undefined);
}
