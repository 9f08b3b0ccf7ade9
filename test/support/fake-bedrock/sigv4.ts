// Checks a request's SigV4 signature the way AWS does, written from the spec with node:crypto only, so the
// relay's signer (built on @smithy/signature-v4) is checked against an independent implementation.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { BedrockCallAuth, FakeBedrockCredential } from './types.js';

export interface AuthInput {
  method: string;
  /** Raw path + query as received (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface AuthConfig {
  region: string;
  credentials: readonly FakeBedrockCredential[];
  bearerTokens: readonly string[];
}

export interface AuthFailure {
  status: number;
  exception: string;
  message: string;
}

const SERVICE = 'bedrock';
const MAX_SKEW_MS = 15 * 60 * 1000;
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
  'Access Key and signing method. Consult the service documentation for details.';

function fail(exception: string, message: string): AuthFailure {
  return { status: 403, exception, message };
}

/** The credential that signed the request, or why AWS would refuse it. */
export function verifyAuth(input: AuthInput, config: AuthConfig): BedrockCallAuth | AuthFailure {
  const authorization = single(input.headers.authorization);
  if (authorization === undefined)
    return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (authorization.startsWith('Bearer ')) {
    const token = authorization.slice(7);
    return config.bearerTokens.includes(token)
      ? { kind: 'bearer', token }
      : fail('UnrecognizedClientException', INVALID_TOKEN);
  }
  const parts =
    /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  const [, credential = '', signedList = '', signature = ''] = parts ?? [];
  const [accessKeyId = '', scopeDate, scopeRegion, scopeService, terminator] = credential.split('/');
  if (parts === null || terminator !== 'aws4_request') {
    return fail(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.`,
    );
  }
  const key = config.credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (key === undefined) return fail('UnrecognizedClientException', INVALID_TOKEN);
  const amzDate = single(input.headers['x-amz-date']) ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return fail(
      'IncompleteSignatureException',
      'Authorization header requires existence of either a X-Amz-Date or a Date header.',
    );
  }
  if (scopeDate !== amzDate.slice(0, 8))
    return fail(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}'`,
    );
  if (scopeRegion !== config.region)
    return fail('InvalidSignatureException', `Credential should be scoped to a valid region. `);
  if (scopeService !== SERVICE)
    return fail(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${SERVICE}'. `,
    );
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.includes('host'))
    return fail(
      'InvalidSignatureException',
      `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`,
    );
  const token = single(input.headers['x-amz-security-token']);
  if (
    token !== key.sessionToken ||
    (token !== undefined && !signedHeaders.includes('x-amz-security-token'))
  ) {
    return fail('UnrecognizedClientException', INVALID_TOKEN);
  }
  if (key.expired)
    return fail('ExpiredTokenException', 'The security token included in the request is expired');
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`,
  );
  if (!(Math.abs(Date.now() - signedAt) <= MAX_SKEW_MS)) {
    return fail(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier or later than allowed.`,
    );
  }
  const payloadHash = sha256Hex(input.body);
  const declaredHash = single(input.headers['x-amz-content-sha256']);
  if (declaredHash !== undefined && declaredHash !== payloadHash)
    return fail('InvalidSignatureException', MISMATCH);
  const canonicalRequest = [
    input.method,
    canonicalPath(input.url),
    canonicalQuery(input.url),
    ...signedHeaders.map((name) => `${name}:${canonicalHeaderValue(input.headers[name])}`),
    '',
    signedList,
    payloadHash,
  ].join('\n');
  const scope = `${scopeDate}/${scopeRegion}/${SERVICE}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(Buffer.from(canonicalRequest))].join(
    '\n',
  );
  let signingKey: Buffer = hmac(`AWS4${key.secretAccessKey}`, scopeDate);
  for (const part of [config.region, SERVICE, 'aws4_request']) signingKey = hmac(signingKey, part);
  const expected = Buffer.from(createHmac('sha256', signingKey).update(stringToSign).digest('hex'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail('InvalidSignatureException', MISMATCH);
  }
  return { kind: 'sigv4', accessKeyId, signedHeaders };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 unreserved characters stay, everything else is %XX (encodeURIComponent leaves !'()* alone). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Every service but S3 encodes the already-encoded path once more: `%3A` in the path is `%253A` here. */
function canonicalPath(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.split('/').map(uriEncode).join('/');
}

function canonicalQuery(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return '';
  const pairs = [...new URLSearchParams(url.slice(query + 1))].map(([k, v]) => [uriEncode(k), uriEncode(v)]);
  pairs.sort(([ak = '', av = ''], [bk = '', bv = '']) => (ak === bk ? compare(av, bv) : compare(ak, bk)));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}
