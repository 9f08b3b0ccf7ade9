// What every Claude Relay Service account kind stores alike: name, description, proxy (JSON, password in the
// clear, proxyHelper.createProxyAgent), priority (1-100, lower first, as ours), schedulable, isActive and status.
import type {
  AccountSecrets,
  AccountState,
  CreateAccountInput,
  ProxyConfig,
} from '../../../accounts/account-types.js';
import { type CrsFields, crsBool, crsJson, crsNumber } from '../crs-fields.js';
import type { CrsKeyDerivation, OpenedSecret } from '../crs-secrets.js';

/** Opens one sealed field of the record with the kind's key. */
export type SecretOpener = (stored: string | undefined) => OpenedSecret;

export interface AccountSource {
  fields: CrsFields;
  open: SecretOpener;
  /** Opens Bedrock's `{encrypted, iv}` pair with the kind's key. */
  openPair: (encrypted: string, iv: string) => OpenedSecret;
  /** Everything noted about this record for the report. */
  notes: string[];
}

export type AccountMapping =
  | { ok: true; input: CreateAccountInput; state: AccountState }
  | { ok: false; reason: string };

/** One CRS account kind: where its records live, how they are sealed, and how one becomes ours. */
export interface CrsAccountKind {
  /** CRS's name for the kind, as the report and key bindings name it. */
  kind: string;
  /** Redis key prefix of its records (`<prefix><id>`). */
  prefix: string;
  /** Set of its ids, when CRS keeps one (the reader falls back to SCAN). */
  index?: string;
  /** Bedrock keeps each account as one JSON string; the others as hashes. */
  storage: 'hash' | 'json';
  derivation: CrsKeyDerivation;
  map(source: AccountSource): AccountMapping;
}

export type CommonFields = Pick<
  CreateAccountInput,
  'name' | 'description' | 'proxy' | 'priority' | 'schedulable' | 'dedicated'
>;

export function commonFields(source: AccountSource): { fields: CommonFields; proxyPassword?: string } {
  const { fields: raw, notes } = source;
  const priority = crsNumber(raw.priority);
  const proxy = proxyOf(raw.proxy, notes);
  return {
    fields: {
      name: (raw.name ?? '').trim().slice(0, 100) || `Imported ${raw.id ?? 'account'}`,
      ...(raw.description ? { description: raw.description.slice(0, 1000) } : {}),
      ...(proxy ? { proxy: proxy.config } : {}),
      priority: priority === undefined ? 50 : Math.min(Math.max(Math.round(priority), 1), 1000),
      // CRS also turns schedulable off while an account is rate-limited or paused on its own; that is not an
      // operator's choice, and here health tracking does the same job.
      schedulable: crsBool(raw.schedulable, true) || pausedByCrs(raw),
      // CRS's dedicated accounts serve only keys bound to them; its group accounts only keys bound to their group.
      dedicated: raw.accountType === 'dedicated' || raw.accountType === 'group',
    },
    ...(proxy?.password ? { proxyPassword: proxy.password } : {}),
  };
}

/** Whether CRS switched scheduling off itself (a rate limit, a 5-hour warning, a transient error, a quota). */
function pausedByCrs(raw: CrsFields): boolean {
  return (
    raw.rateLimitStatus === 'limited' ||
    ['rateLimitAutoStopped', 'fiveHourAutoStopped', 'tempErrorAutoStopped', 'quotaAutoStopped'].some(
      (field) => raw[field] === 'true',
    ) ||
    ['rateLimited', 'rate_limited', 'temp_error', 'quotaExceeded', 'quota_exceeded'].includes(
      raw.status ?? '',
    ) ||
    Boolean(raw.quotaStoppedAt)
  );
}

/** CRS's isActive, and a status that says the account cannot serve (CRS stops scheduling it too). */
export function stateOf(raw: CrsFields, now: number): AccountState {
  // A Console account's 429 also clears isActive until the limit passes: paused, not switched off.
  if (raw.isActive === 'false' && !pausedByCrs(raw))
    return { kind: 'disabled', since: now, reason: 'disabled in Claude Relay Service' };
  const status = raw.status ?? '';
  if (['error', 'unauthorized', 'blocked', 'account_blocked'].includes(status)) {
    const message = raw.errorMessage ? `: ${raw.errorMessage}` : '';
    return {
      kind: 'disabled',
      since: now,
      reason: `status ${status} in Claude Relay Service${message}`.slice(0, 500),
    };
  }
  return { kind: 'active' };
}

/** A value that must open: its text, or undefined with the reason noted. */
export function secret(source: AccountSource, stored: string | undefined, field: string): string | undefined {
  const opened = source.open(stored);
  if (opened.state === 'opened') return opened.value;
  if (opened.state === 'plain') {
    source.notes.push(`${field} was stored unencrypted in CRS`);
    return opened.value;
  }
  if (opened.state === 'unopenable') source.notes.push(`${field} could not be decrypted`);
  return undefined;
}

export const NO_API_KEY: AccountMapping = {
  ok: false,
  reason: 'no API key (missing, or it could not be decrypted)',
};
export const NO_REFRESH_TOKEN: AccountMapping = {
  ok: false,
  reason: 'no refresh token (never signed in, or it could not be decrypted)',
};

/**
 * A readable record as one of ours: the settings every kind shares (name, proxy, priority…) under the kind's
 * own, its state from CRS (unless the kind reads it its own way), its secrets with the proxy's password.
 */
export function accountOf(
  source: AccountSource,
  type: CreateAccountInput['type'],
  settings: Omit<Partial<CreateAccountInput>, 'type' | 'credentials'>,
  secrets: AccountSecrets,
  state: AccountState = stateOf(source.fields, Date.now()),
): AccountMapping {
  const common = commonFields(source);
  return {
    ok: true,
    state,
    input: { type, ...common.fields, ...settings, credentials: credentials(secrets, common.proxyPassword) },
  };
}

/**
 * OAuth tokens as this relay keeps them. Without an access token (or with one of no known expiry, when
 * `unknownExpiry` is 0) the first request refreshes one, as for an expired token.
 */
export function oauthTokens(
  refreshToken: string,
  accessToken: string | undefined,
  expiresAt: number | undefined,
  unknownExpiry = 0,
): Pick<AccountSecrets, 'accessToken' | 'refreshToken' | 'expiresAt'> {
  if (!accessToken) return { accessToken: 'expired', refreshToken, expiresAt: 0 };
  return { accessToken, refreshToken, expiresAt: expiresAt ?? unknownExpiry };
}

/** Credentials with the proxy's password beside them, undefined fields dropped. */
export function credentials(values: AccountSecrets, proxyPassword: string | undefined): AccountSecrets {
  const all: AccountSecrets = { ...values, ...(proxyPassword ? { proxyPassword } : {}) };
  return Object.fromEntries(
    Object.entries(all).filter(([, value]) => value !== undefined && value !== ''),
  ) as AccountSecrets;
}

/** A list of model names (array) or a model mapping (object), as several kinds keep in `supportedModels`. */
export function modelsOf(
  value: string | undefined,
  notes: string[],
): { supportedModels: string[]; modelMapping: Record<string, string> } {
  const parsed = crsJson(value, notes, 'supportedModels');
  if (Array.isArray(parsed)) {
    return {
      supportedModels: parsed.map(String).filter((model) => /^[A-Za-z0-9._:/@-]+\*?$/.test(model)),
      modelMapping: {},
    };
  }
  if (parsed && typeof parsed === 'object') {
    const modelMapping: Record<string, string> = {};
    for (const [from, to] of Object.entries(parsed))
      if (typeof to === 'string' && to) modelMapping[from] = to;
    return { supportedModels: [], modelMapping };
  }
  return { supportedModels: [], modelMapping: {} };
}

function proxyOf(
  value: string | undefined,
  notes: string[],
): { config: ProxyConfig; password?: string } | undefined {
  const parsed = crsJson(value, notes, 'proxy');
  if (!parsed || typeof parsed !== 'object') return undefined;
  const proxy = parsed as Record<string, unknown>;
  const protocol = proxy.type;
  const port = Number(proxy.port);
  if (
    (protocol !== 'http' && protocol !== 'https' && protocol !== 'socks5') ||
    typeof proxy.host !== 'string' ||
    !proxy.host ||
    !Number.isInteger(port)
  ) {
    notes.push('proxy is not one CRS could use either (type, host or port missing); left out');
    return undefined;
  }
  const username = typeof proxy.username === 'string' && proxy.username ? proxy.username : undefined;
  const password = typeof proxy.password === 'string' && proxy.password ? proxy.password : undefined;
  return {
    config: { protocol, host: proxy.host, port, ...(username ? { username } : {}) },
    ...(password ? { password } : {}),
  };
}
