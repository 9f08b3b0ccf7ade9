// Opening Claude Relay Service's sealed account secrets with its ENCRYPTION_KEY. CRS seals with AES-256-CBC,
// the key derived per account kind (scrypt with a salt of that kind's, or SHA-256 for Bedrock), and stores
// `ivhex:cipherhex`. CRS itself hands back the stored text when decryption fails, so a wrong key there goes
// unnoticed; here a value that does not open is reported, never passed on as if it were the secret.
import { createDecipheriv, createHash, scryptSync } from 'node:crypto';

/** How a CRS service derives its AES key from the encryption key. */
export type CrsKeyDerivation = { kind: 'scrypt'; salt: string } | { kind: 'sha256' };

export type OpenedSecret =
  /** Absent in CRS ('' or missing): nothing to carry over. */
  | { state: 'empty' }
  | { state: 'opened'; value: string }
  /** Not in CRS's sealed form: CRS keeps the text as it is when its encryption failed, and uses it so. */
  | { state: 'plain'; value: string }
  | { state: 'unopenable' };

const SEALED = /^([0-9a-f]{32}):((?:[0-9a-f]{32})+)$/i;

export class CrsSecrets {
  private readonly derived = new Map<string, Buffer>();
  /** Counts of sealed values tried and opened, for the wrong-key check. */
  readonly tally = { sealed: 0, opened: 0 };

  constructor(private readonly encryptionKey: string) {}

  /** Opens a value stored as `ivhex:cipherhex`. */
  open(stored: string | undefined, derivation: CrsKeyDerivation): OpenedSecret {
    if (!stored) return { state: 'empty' };
    const match = SEALED.exec(stored);
    if (!match) return { state: 'plain', value: stored };
    return this.decrypt(match[1] as string, match[2] as string, derivation);
  }

  /** Opens Bedrock's `{encrypted, iv}` pair. */
  openPair(encrypted: string, iv: string, derivation: CrsKeyDerivation): OpenedSecret {
    if (!/^[0-9a-f]{32}$/i.test(iv) || !/^(?:[0-9a-f]{32})+$/i.test(encrypted))
      return { state: 'unopenable' };
    return this.decrypt(iv, encrypted, derivation);
  }

  private decrypt(ivHex: string, cipherHex: string, derivation: CrsKeyDerivation): OpenedSecret {
    this.tally.sealed += 1;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key(derivation), Buffer.from(ivHex, 'hex'));
      const bytes = Buffer.concat([decipher.update(Buffer.from(cipherHex, 'hex')), decipher.final()]);
      const value = bytes.toString('utf8');
      // A wrong key passes the padding check about once in 256 tries; what it yields is not text.
      if (!Buffer.from(value, 'utf8').equals(bytes) || hasControlCharacters(value))
        return { state: 'unopenable' };
      this.tally.opened += 1;
      return { state: 'opened', value };
    } catch {
      return { state: 'unopenable' };
    }
  }

  private key(derivation: CrsKeyDerivation): Buffer {
    const id = derivation.kind === 'scrypt' ? `scrypt:${derivation.salt}` : 'sha256';
    let key = this.derived.get(id);
    if (!key) {
      key =
        derivation.kind === 'scrypt'
          ? scryptSync(this.encryptionKey, derivation.salt, 32)
          : createHash('sha256').update(this.encryptionKey).digest();
      this.derived.set(id, key);
    }
    return key;
  }
}

function hasControlCharacters(value: string): boolean {
  // Tabs and line breaks occur in JSON and PEM-like secrets; other C0 controls never do in real ones.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point.
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value);
}
