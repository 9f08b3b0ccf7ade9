// What one send attempt came to, as both senders report it, and the scrubbing that keeps secrets out of it.
import { type ChannelConfig, SECRET_FIELDS } from './channel-types.js';

export type SendResult =
  | { ok: true; httpStatus?: number }
  | {
      ok: false;
      /** False when trying again cannot help (a 4xx refusal, a permanent SMTP rejection). */
      retryable: boolean;
      httpStatus?: number;
      message: string;
      /** The receiver's `retry-after`, ms, when it gave one. */
      retryAfterMs?: number;
    };

const MAX_MESSAGE = 300;

/**
 * The values that must never reach a log line or the delivery log: each secret setting, and for URLs also
 * their path and query (where chat vendors put the token), in case an error quotes the request it failed on.
 */
export function secretValuesOf(config: ChannelConfig): string[] {
  const values: string[] = [];
  const fields: readonly string[] = SECRET_FIELDS[config.kind];
  for (const [field, value] of Object.entries(config)) {
    if (!fields.includes(field) || typeof value !== 'string') continue;
    values.push(value);
    try {
      const url = new URL(value);
      if (url.pathname.length > 1) values.push(url.pathname);
      if (url.search) values.push(url.search.slice(1));
    } catch {
      // Not a URL.
    }
  }
  // Longest first, so a URL is replaced whole before its path is.
  return values.filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
}

/** Replaces every secret value in a message and bounds its length. */
export function scrub(message: string, secrets: readonly string[]): string {
  let clean = message;
  for (const secret of secrets) clean = clean.replaceAll(secret, '[redacted]');
  clean = clean.replace(/\s+/g, ' ').trim();
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE - 1)}…` : clean;
}
