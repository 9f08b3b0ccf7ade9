// Resolves the server's own secrets: required from env in production, generated once under DATA_DIR otherwise.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

export function resolveSecrets(config: Config): ServerSecrets {
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
    const parsed = storedSecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new ConfigError([`${file} is corrupt; restore it or remove it to generate new secrets`]);
    return parsed.data;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const created = {
    encryptionKey: randomBytes(32).toString('base64'),
    encryptionKeyId: `local-${randomBytes(3).toString('hex')}`,
    tokenSigningKey: randomBytes(48).toString('base64url'),
  };
  try {
    // `wx` refuses to overwrite a file another process created a moment ago; mode applies on creation.
    writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateStoredSecrets(dataDir);
    throw error;
  }
  chmodSync(file, 0o600);
  return created;
}
