// The gateway sign-in's vocabulary: its settings, a device as stored, and the OAuth refusals the token and
// device endpoints answer with (RFC 6749 §5.2, RFC 8628 §3.5), which the relay renders as `{error, ...}`.
import { z } from 'zod';

export interface GatewaySettings {
  /** How long a device code waits for its approval. */
  deviceCodeTtlMs: number;
  /** The poll interval the client is told to keep. */
  pollIntervalMs: number;
  /** Access tokens of a device; Claude Code refreshes them before they expire. */
  accessTtlMs: number;
  /** How long a device stays signed in without using its refresh token. */
  refreshTtlMs: number;
  /** Tries of the verification page per address and window (RFC 8628 §5.1: user codes can be guessed). */
  verifyAttempts: number;
  verifyWindowMs: number;
}

export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = {
  deviceCodeTtlMs: 600_000,
  pollIntervalMs: 5_000,
  accessTtlMs: 3_600_000,
  refreshTtlMs: 30 * 86_400_000,
  verifyAttempts: 30,
  verifyWindowMs: 600_000,
};

/** A signed-in device: a person's client bound to one of their relay keys. Its id names its token family. */
export const storedDeviceSchema = z.object({
  id: z.string(),
  userId: z.string(),
  keyId: z.string(),
  /** The client application, as the device said (`claude_code`); free text, bounded. */
  surface: z.string().max(64).optional(),
  userAgent: z.string().max(200).optional(),
  /** The address the sign-in started from. */
  address: z.string().max(64).optional(),
  createdAt: z.number().int(),
});
export type GatewayDevice = z.infer<typeof storedDeviceSchema>;

/** What the verification page shows about a pending sign-in before the user approves or denies it. */
export interface PendingSignIn {
  userCode: string;
  surface: string | undefined;
  userAgent: string | undefined;
  address: string | undefined;
  requestedAt: number;
  expiresAt: number;
}

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'authorization_pending'
  | 'slow_down'
  | 'access_denied'
  | 'expired_token';

/** A refusal of the OAuth endpoints: the code is the protocol's, the description is for people. */
export class OAuthRefusal extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthRefusal';
  }
}

/** The tokens a device holds, as the token endpoint returns them. */
export interface DeviceTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  /** Shown by the client for the user to confirm who approved the sign-in. */
  account: string;
}
