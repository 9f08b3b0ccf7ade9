// Shared values of the fake Google OAuth server: the fake client, Gemini CLI's redirect URI and scopes, the
// endpoint paths, the scope sets Google knows and the default signing-in account.
import type { GoogleAccountProfile } from './types.js';

/** Fake values (the relay must be configured with these, not Gemini CLI's real client). */
export const FAKE_GOOGLE_CLIENT_ID = '000000000000-fakegeminicli00000000000000000.apps.googleusercontent.com';
export const FAKE_GOOGLE_CLIENT_SECRET = 'GOCSPX-fake0000000000000000secret';
/** The redirect URI of Gemini CLI's manual (no-browser) flow: Google's page that shows the code to paste. */
export const GOOGLE_MANUAL_REDIRECT_URI = 'https://codeassist.google.com/authcode';
/** The scopes Gemini CLI asks for, space-separated as in the authorize URL. */
export const GEMINI_CLI_SCOPES =
  'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile';

export const AUTHORIZE_PATH = '/o/oauth2/v2/auth';
export const TOKEN_PATH = '/token';
export const USERINFO_PATH = '/oauth2/v2/userinfo';
export const TOKENINFO_PATH = '/tokeninfo';
export const REVOKE_PATH = '/revoke';
export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
export const EMAIL_SCOPES = new Set(['email', 'https://www.googleapis.com/auth/userinfo.email']);
export const PROFILE_SCOPES = new Set(['profile', 'https://www.googleapis.com/auth/userinfo.profile']);
export const KNOWN_SCOPES = new Set([CLOUD_PLATFORM, 'openid', ...EMAIL_SCOPES, ...PROFILE_SCOPES]);

export const DEFAULT_GOOGLE_ACCOUNT: GoogleAccountProfile = {
  sub: '108000000000000000001',
  email: 'gemini-user@example.test',
  name: 'Gemini User',
  givenName: 'Gemini',
  familyName: 'User',
  picture: 'https://lh3.googleusercontent.com/a/fake-gemini-user=s96-c',
};
