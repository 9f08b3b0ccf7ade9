// Authentication headers for a Bedrock runtime call: a Bedrock API key (bearer) or AWS SigV4 with account keys.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface BedrockRequestToSign {
  method: string;
  /** Full target URL (`https://bedrock-runtime.<region>.amazonaws.com/model/.../invoke`). */
  url: URL;
  /** Headers that will be sent as given, e.g. content-type and accept; all of them are signed. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface BedrockBearerAuth {
  /** A Bedrock API key, sent as `authorization: Bearer <key>`. */
  bearerToken: string;
}

export interface BedrockKeyAuth {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary (STS) credentials; sent as `x-amz-security-token`. */
  sessionToken?: string;
}

export type BedrockAuth = { region: string } & (BedrockBearerAuth | BedrockKeyAuth);

/** Headers SigV4 adds; everything else the signer returns is the caller's own. */
const SIGNING_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];
/** Bounded so rotating temporary credentials cannot grow the cache without end. */
const MAX_SIGNERS = 256;
const signers = new Map<string, SignatureV4>();

/**
 * The headers to add to the request. Bearer: `authorization` only. SigV4: `authorization`, `x-amz-date`,
 * `x-amz-content-sha256`, `x-amz-security-token` (temporary credentials) and `host`; the request must then go
 * out with exactly the signed headers, host and body, or Bedrock answers 403 InvalidSignatureException.
 */
export async function bedrockAuthHeaders(
  request: BedrockRequestToSign,
  auth: BedrockAuth,
): Promise<Record<string, string>> {
  if ('bearerToken' in auth) return { authorization: `Bearer ${auth.bearerToken}` };
  const { url } = request;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  const signed = await signerFor(auth).sign({
    method: request.method.toUpperCase(),
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: url.pathname,
    query: queryOf(url),
    headers,
    body: request.body,
  });
  const added: Record<string, string> = { host: url.host };
  for (const name of SIGNING_HEADERS) {
    const value = signed.headers[name];
    if (value !== undefined) added[name] = value;
  }
  return added;
}

/**
 * One SignatureV4 per credential set: it caches its derived signing keys, so reusing it saves four HMACs per
 * call on the hot path.
 */
function signerFor(auth: { region: string } & BedrockKeyAuth): SignatureV4 {
  const key = [auth.region, auth.accessKeyId, auth.secretAccessKey, auth.sessionToken ?? ''].join('\u0000');
  let signer = signers.get(key);
  if (signer === undefined) {
    const credentials = {
      accessKeyId: auth.accessKeyId,
      secretAccessKey: auth.secretAccessKey,
      ...(auth.sessionToken === undefined ? {} : { sessionToken: auth.sessionToken }),
    };
    // uriEscapePath (the default) double-encodes the path as every AWS service but S3 expects.
    signer = new SignatureV4({ service: 'bedrock', region: auth.region, credentials, sha256: Sha256 });
    if (signers.size >= MAX_SIGNERS) {
      const oldest = signers.keys().next().value;
      if (oldest !== undefined) signers.delete(oldest);
    }
    signers.set(key, signer);
  }
  return signer;
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[name] = [existing, value];
  }
  return query;
}
