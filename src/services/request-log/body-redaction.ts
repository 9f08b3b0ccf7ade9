// Takes secrets out of captured bodies before they are stored: values under credential-like JSON keys, and
// strings shaped like the credentials of the vendors the relay talks to, wherever they appear.

const REDACTED = '[redacted]';

/** JSON keys whose values are credentials whatever they hold (compared lower-cased, `-` read as `_`). */
const SECRET_KEYS = new Set([
  'authorization',
  'proxy_authorization',
  'api_key',
  'apikey',
  'x_api_key',
  'x_goog_api_key',
  'password',
  'secret',
  'client_secret',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'session_token',
  'private_key',
]);

/**
 * Credential shapes: Anthropic/OpenAI/Factory/relay keys, Google API keys and OAuth tokens, AWS access keys,
 * GitHub and Slack tokens, JWTs, and bearer headers quoted in text.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(?:sk|rk|pk|fk|cr)[-_](?:[A-Za-z0-9]+[-_])*[A-Za-z0-9]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bya29\.[0-9A-Za-z._-]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi,
];

export function redactText(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, scheme?: string) =>
      typeof scheme === 'string' && /^(bearer|basic)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED,
    );
  }
  return out;
}

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replaceAll('-', '_'));
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[key] = isSecretKey(key) ? REDACTED : redactValue(inner);
    return out;
  }
  return value;
}

/**
 * A body as stored: JSON re-serialised with secrets taken out, other text with credential shapes replaced;
 * then cut to `maxBytes` (UTF-8, on a character boundary).
 */
export function redactBody(body: string, maxBytes: number): { text: string; truncated: boolean } {
  let text: string;
  try {
    text = JSON.stringify(redactValue(JSON.parse(body)));
  } catch {
    text = redactText(body);
  }
  return truncateUtf8(text, maxBytes);
}

export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  // Dropping a partial character at the cut: decode and drop a trailing replacement character if one appeared.
  let cut = bytes.subarray(0, maxBytes).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return { text: cut, truncated: true };
}
