// Reads the claims of a JWT the token endpoint just issued, without verifying its signature: the token came
// straight from the endpoint over TLS (OpenID Connect Core 3.1.3.7 lets a client skip the check then), and the
// relay only reads identity hints from it, never grants access on it.

/** A JWT far larger than this is no token of ours: not decoded. */
const MAX_JWT_LENGTH = 16_384;

/** The payload of a compact JWT (`header.payload.signature`), or undefined when `jwt` is not one. */
export function jwtClaims(jwt: string): Record<string, unknown> | undefined {
  if (jwt.length > MAX_JWT_LENGTH) return undefined;
  const parts = jwt.split('.');
  const payload = parts[1];
  if (parts.length !== 3 || parts.some((part) => part === '') || payload === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The object under `name`, or undefined. */
export function claimObject(
  claims: Record<string, unknown> | undefined,
  name: string,
): Record<string, unknown> | undefined {
  const value = claims?.[name];
  return isRecord(value) ? value : undefined;
}

/** The non-empty string under `name`, or undefined. */
export function claimText(claims: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = claims?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
