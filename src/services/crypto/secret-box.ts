// AES-256-GCM encryption of upstream secrets at rest; each ciphertext names the key id that sealed it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface SecretBoxKeys {
  /** Seals new secrets. */
  current: { id: string; key: Buffer };
  /** Keys retired by rotation that can still open older ciphertexts. */
  previous?: Array<{ id: string; key: Buffer }>;
}

export class SecretBox {
  private readonly byId = new Map<string, Buffer>();
  private readonly current: { id: string; key: Buffer };

  constructor(keys: SecretBoxKeys) {
    for (const { id, key } of [keys.current, ...(keys.previous ?? [])]) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes`);
      if (id.includes(':')) throw new Error(`encryption key id ${id} must not contain ':'`);
      this.byId.set(id, key);
    }
    this.current = keys.current;
  }

  /** Returns `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts); `aad` binds the ciphertext to its owner. */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.current.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      body.toString('base64url'),
    ].join(':');
  }

  open(sealed: string, aad: string): string {
    const [version, keyId, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !keyId || !iv || !tag || body === undefined) {
      throw new Error('sealed secret has an unknown format');
    }
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`sealed secret uses unknown encryption key ${keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** True when the secret was sealed with a retired key and should be re-sealed. */
  needsReseal(sealed: string): boolean {
    return sealed.split(':')[1] !== this.current.id;
  }
}
