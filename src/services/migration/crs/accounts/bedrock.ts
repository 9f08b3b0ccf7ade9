// CRS Bedrock accounts: one JSON string per account at `bedrock_account:{id}` (bedrockAccountService.createAccount),
// its credentials sealed as `{encrypted, iv}` with SHA-256(ENCRYPTION_KEY): AWS keys as JSON
// `{accessKeyId, secretAccessKey, sessionToken?}`, or a Bedrock API key as JSON `{token}`.
import { crsJson } from '../crs-fields.js';
import type { OpenedSecret } from '../crs-secrets.js';
import { type AccountSource, accountOf, type CrsAccountKind } from './crs-account-common.js';

const DERIVATION = { kind: 'sha256' } as const;

export const BEDROCK_KIND: CrsAccountKind = {
  kind: 'bedrock',
  prefix: 'bedrock_account:',
  index: 'bedrock_account:index',
  storage: 'json',
  derivation: DERIVATION,
  map(source: AccountSource) {
    const { fields: raw, notes } = source;
    const aws = sealedObject(source, raw.awsCredentials, 'awsCredentials');
    const bearer = sealedObject(source, raw.bearerToken, 'bearerToken');
    const accessKeyId = text(aws?.accessKeyId);
    const secretAccessKey = text(aws?.secretAccessKey);
    const sessionToken = text(aws?.sessionToken);
    const apiKey = text(bearer?.token);
    if (!apiKey && !(accessKeyId && secretAccessKey)) {
      return {
        ok: false,
        reason: 'no AWS credentials or Bedrock API key (missing, or they could not be decrypted)',
      };
    }
    const region = raw.region?.trim() || 'us-east-1';
    if (raw.defaultModel) {
      notes.push(
        `defaultModel ${raw.defaultModel} not imported: CRS sent every request as that model; here a request is sent as the model it names`,
      );
    }
    return accountOf(
      source,
      'bedrock',
      { region },
      raw.credentialType === 'bearer_token' && apiKey
        ? { apiKey }
        : {
            apiKey,
            awsAccessKeyId: accessKeyId,
            awsSecretAccessKey: secretAccessKey,
            awsSessionToken: sessionToken,
          },
    );
  },
};

/** A sealed `{encrypted, iv}` JSON object (or, as CRS accepts, the plain object) opened to its fields. */
function sealedObject(
  source: AccountSource,
  value: string | undefined,
  field: string,
): Record<string, unknown> | undefined {
  const sealed = crsJson(value, source.notes, field);
  if (!sealed || typeof sealed !== 'object') return undefined;
  const { encrypted, iv } = sealed as Record<string, unknown>;
  if (typeof encrypted !== 'string' || typeof iv !== 'string') {
    source.notes.push(`${field} was stored unencrypted in CRS`);
    return sealed as Record<string, unknown>;
  }
  const opened: OpenedSecret = source.openPair(encrypted, iv);
  if (opened.state !== 'opened') {
    source.notes.push(`${field} could not be decrypted`);
    return undefined;
  }
  const parsed = crsJson(opened.value, source.notes, field);
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
