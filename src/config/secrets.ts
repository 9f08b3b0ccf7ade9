// Resolves the server's own secrets: required from env in production, generated once under DATA_DIR otherwise.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type Config, ConfigError } from './config.js';

export interface ServerSecrets {
  encryptionKey: Buffer;
  encryptionKeyId: string;
  tokenSigningKey: string;
}

const storedSecretsSchema = z.object({
  encryptionKey: z.string().min(1),
  encryptionKeyId: z.string().min(1),
  tokenSigningKey: z.string().min(32),
});

export const SECRETS_FILE = 'secrets.json';

export interface ResolveSecretsOptions {
  /**
   * Whether missing secrets may be generated (the server on the embedded default). Tools that only read the
   * server's data (the CLI) must not: a new key would seal credentials the server cannot open.
   */
  generate?: boolean;
}

export function resolveSecrets(config: Config, options: ResolveSecretsOptions = {}): ServerSecrets {
  const { encryptionKey, encryptionKeyId, tokenSigningKey } = config.secrets;
  if (encryptionKey && tokenSigningKey) {
    return { encryptionKey, encryptionKeyId: encryptionKeyId ?? 'env-1', tokenSigningKey };
  }
  if (config.env === 'production') {
    const missing = [!encryptionKey && 'ENCRYPTION_KEY', !tokenSigningKey && 'TOKEN_SIGNING_KEY'].filter(
      Boolean,
    );
    throw new ConfigError(missing.map((name) => `${name} is required when NODE_ENV=production`));
  }
  const file = path.join(config.dataDir, SECRETS_FILE);
  if (options.generate === false && !existsSync(file)) {
    throw new ConfigError([
      `no server secrets in ${file}: use the server's DATA_DIR, or set ENCRYPTION_KEY and TOKEN_SIGNING_KEY ` +
        'to the values the server uses',
    ]);
  }
  const stored = loadOrCreateStoredSecrets(config.dataDir);
  return {
    encryptionKey: encryptionKey ?? Buffer.from(stored.encryptionKey, 'base64'),
    encryptionKeyId: encryptionKey ? (encryptionKeyId ?? 'env-1') : stored.encryptionKeyId,
    tokenSigningKey: tokenSigningKey ?? stored.tokenSigningKey,
  };
}

function loadOrCreateStoredSecrets(dataDir: string): z.output<typeof storedSecretsSchema> {
  const file = path.join(dataDir, SECRETS_FILE);
  if (existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      raw = undefined;
    }
    const parsed = storedSecretsSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError([`${file} is corrupt; restore it or remove it to generate new secrets`]);
    }
    return parsed.data;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const created = {
    encryptionKey: randomBytes(32).toString('base64'),
    encryptionKeyId: `local-${randomBytes(3).toString('hex')}`,
    tokenSigningKey: randomBytes(48).toString('base64url'),
  };
  // Written in full to a private temp file, then linked into place: link refuses to replace an existing file,
  // so two processes starting at once agree on one set, and nobody ever reads a half-written file.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadOrCreateStoredSecrets(dataDir);
  } finally {
    unlinkSync(temp);
  }
  return created;
}
