// The encrypted bundle file: the relay's configuration as JSON, gzipped and sealed with AES-256-GCM under a key
// derived from a passphrase (scrypt), so it can be carried between Redis servers (and relays with different
// encryption keys) without its secrets ever being readable on the way. The header is authenticated too.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';

export const BUNDLE_FORMAT = 'llm-relay-bundle';

/** scrypt cost: 2^15 × 8 × 128 B = 32 MiB and ~0.1 s here, once per export or import. */
const KDF = { N: 32_768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

const headerSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  createdAt: z.string(),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
    salt: z.string(),
  }),
  cipher: z.literal('aes-256-gcm'),
  iv: z.string(),
});
const fileSchema = z.object({ header: headerSchema, tag: z.string(), data: z.string() });

/** Passphrases shorter than this are refused: the bundle holds every upstream secret. */
export const MIN_PASSPHRASE_LENGTH = 12;

export function sealBundle(contents: unknown, passphrase: string, now = new Date()): string {
  requirePassphrase(passphrase);
  const salt = randomBytes(16);
  const header = {
    format: BUNDLE_FORMAT,
    version: 1 as const,
    createdAt: now.toISOString(),
    kdf: { name: 'scrypt' as const, N: KDF.N, r: KDF.r, p: KDF.p, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm' as const,
    iv: randomBytes(12).toString('base64'),
  };
  const cipher = createCipheriv(
    'aes-256-gcm',
    derive(passphrase, salt, header.kdf),
    Buffer.from(header.iv, 'base64'),
  );
  cipher.setAAD(Buffer.from(JSON.stringify(header)));
  const data = Buffer.concat([cipher.update(gzipSync(JSON.stringify(contents))), cipher.final()]);
  return `${JSON.stringify({ header, tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') })}\n`;
}

/** The bundle's contents as JSON; a file that is not a bundle, or the wrong passphrase, is a clear 4xx. */
export function openBundle(file: string, passphrase: string): unknown {
  let parsed: z.infer<typeof fileSchema>;
  try {
    parsed = fileSchema.parse(JSON.parse(file));
  } catch {
    throw new AppError('invalid_request', `This file is not a ${BUNDLE_FORMAT} (version 1)`);
  }
  const { header } = parsed;
  const decipher = createDecipheriv(
    'aes-256-gcm',
    derive(passphrase, Buffer.from(header.kdf.salt, 'base64'), header.kdf),
    Buffer.from(header.iv, 'base64'),
  );
  decipher.setAAD(Buffer.from(JSON.stringify(header)));
  decipher.setAuthTag(Buffer.from(parsed.tag, 'base64'));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(parsed.data, 'base64')), decipher.final()]);
  } catch {
    throw new AppError(
      'invalid_request',
      'The passphrase does not open this bundle (or the file was changed)',
    );
  }
  return JSON.parse(gunzipSync(plain).toString('utf8'));
}

function derive(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Buffer {
  if (kdf.N > KDF.N * 4 || kdf.r > 16 || kdf.p > 4) {
    throw new AppError('invalid_request', 'The bundle asks for a key derivation too costly to run');
  }
  return scryptSync(passphrase, salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: KDF.maxmem * 4 });
}

function requirePassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new AppError(
      'invalid_request',
      `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
}
