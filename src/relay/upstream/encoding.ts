// Content-encoding between client, relay and upstream: ask upstream only for what we can decode and the client
// accepts; pass compressed bytes through untouched when the client accepted them, decode otherwise.

import type { Transform } from 'node:stream';
import {
  brotliDecompressSync,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  gunzipSync,
  inflateSync,
} from 'node:zlib';

const DECODABLE = ['gzip', 'br', 'deflate'] as const;
export type Decodable = (typeof DECODABLE)[number];

function isDecodable(value: string): value is Decodable {
  return (DECODABLE as readonly string[]).includes(value);
}

/** Encodings the client lists with a non-zero q-value, lowercased. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  if (!header) return accepted;
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.toLowerCase().split(';');
    const name = rawName?.trim();
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}

/** The accept-encoding to send upstream: the client's encodings we can also decode (for the usage tap). */
export function upstreamAcceptEncoding(clientHeader: string | undefined): string {
  const accepted = acceptedEncodings(clientHeader);
  const both = DECODABLE.filter((encoding) => accepted.has(encoding));
  return both.length > 0 ? both.join(', ') : 'identity';
}

/** Undefined for identity; the encoding when we can decode it; null when we cannot. */
export function responseEncoding(header: string | string[] | undefined): Decodable | undefined | null {
  const value = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim().toLowerCase();
  if (value === '' || value === 'identity') return undefined;
  return isDecodable(value) ? value : null;
}

export function decodeSync(body: Buffer, encoding: Decodable): Buffer {
  switch (encoding) {
    case 'gzip':
      return gunzipSync(body);
    case 'br':
      return brotliDecompressSync(body);
    case 'deflate':
      return inflateSync(body);
  }
}

export function createDecoder(encoding: Decodable): Transform {
  switch (encoding) {
    case 'gzip':
      return createGunzip();
    case 'br':
      return createBrotliDecompress();
    case 'deflate':
      return createInflate();
  }
}
