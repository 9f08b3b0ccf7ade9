// One Claude Relay Service API key (the `apikey:{id}` hash apiKeyService.generateApiKey/updateApiKey write) as
// one of ours: same name, owner, state, expiry, permissions, restrictions, limits, bindings and tags. What has
// no equivalent here is named in the report rather than dropped in silence.
import type { CreateApiKeyInput } from '../../api-keys/api-key-types.js';
import type { ClientKind, Platform } from '../../domain/platforms.js';
import {
  type CrsBindingTarget,
  type CrsFields,
  crsBool,
  crsJson,
  crsMicros,
  crsNumber,
  crsTime,
} from './crs-fields.js';

/** CRS's client ids (validators/clientDefinitions.js) → ours. */
const CLIENTS: Record<string, ClientKind> = {
  claude_code: 'claude-code',
  gemini_cli: 'gemini-cli',
  codex_cli: 'codex',
  droid_cli: 'droid',
};

/** CRS's services (hasPermission) → our pools. CRS serves Azure OpenAI accounts on its OpenAI routes. */
const PERMISSIONS: Record<string, readonly Platform[]> = {
  claude: ['claude'],
  gemini: ['gemini'],
  openai: ['openai', 'azure'],
  droid: ['droid'],
};

/**
 * A key's binding fields, in the order CRS's schedulers try them (unifiedClaudeScheduler tries the Claude OAuth
 * account, then the Console one, then Bedrock); each names a CRS account kind, or a group with `group:`.
 * `responses:` (OpenAI) and `api:` (Gemini) mark accounts of the API-key kinds of those platforms.
 */
const BINDING_FIELDS: ReadonlyArray<{
  field: string;
  platform: Platform;
  kind: string;
  marked?: Record<string, string>;
}> = [
  { field: 'claudeAccountId', platform: 'claude', kind: 'claude' },
  { field: 'claudeConsoleAccountId', platform: 'claude', kind: 'claude-console' },
  { field: 'bedrockAccountId', platform: 'claude', kind: 'bedrock' },
  { field: 'geminiAccountId', platform: 'gemini', kind: 'gemini', marked: { 'api:': 'gemini-api' } },
  {
    field: 'openaiAccountId',
    platform: 'openai',
    kind: 'openai',
    marked: { 'responses:': 'openai-responses' },
  },
  { field: 'azureOpenaiAccountId', platform: 'azure', kind: 'azure-openai' },
  { field: 'droidAccountId', platform: 'droid', kind: 'droid' },
];

export interface MappedKey {
  input: Omit<CreateApiKeyInput, 'bindings'>;
  /** What each pool is bound to, in CRS's terms; resolved to our ids when written. */
  bindings: Partial<Record<Platform, CrsBindingTarget>>;
  createdAt: number;
  /** The peppered hash CRS stored. */
  legacyHash: string;
  /** When an activation-mode key was first used in CRS, ms. */
  activatedAt: number | undefined;
  notes: string[];
}

export type KeyMapping = { ok: true; key: MappedKey } | { ok: false; reason: string };

export function mapCrsKey(raw: CrsFields): KeyMapping {
  if (raw.isDeleted === 'true') return { ok: false, reason: 'deleted in CRS' };
  const legacyHash = raw.apiKey ?? '';
  if (!/^[0-9a-f]{64}$/.test(legacyHash)) {
    return { ok: false, reason: 'no usable key hash (apiKey is not a SHA-256 hex digest)' };
  }
  const notes: string[] = [];
  const name = (raw.name ?? '').trim().slice(0, 100) || 'Imported key';
  const permitted = permissionsOf(raw.permissions, notes);
  if (permitted === undefined) notes.push('its permissions let it use no service in CRS: imported disabled');
  const bindings = bindingsOf(raw, notes);
  const expiry = expiryOf(raw, notes);
  const clients = crsBool(raw.enableClientRestriction) ? clientsOf(raw.allowedClients, notes) : [];
  const modelDeny = crsBool(raw.enableModelRestriction) ? modelsOf(raw.restrictedModels, notes) : [];
  if (modelDeny.length > 0) {
    notes.push('restrictedModels imported as models the key may not use (CRS’s Claude routes read them so)');
  }
  const limits = limitsOf(raw, notes);
  unsupported(raw, notes);
  const tags = crsJson(raw.tags, notes, 'tags');
  const description = raw.description ? raw.description.slice(0, 1000) : undefined;
  return {
    ok: true,
    key: {
      input: {
        name,
        ...(description ? { description } : {}),
        enabled: raw.isActive !== 'false' && permitted !== undefined,
        expiry: expiry.expiry,
        platforms: permitted ?? [],
        modelDeny,
        clients,
        limits,
        bindingFallback: fallbackOf(bindings, notes),
        tags: Array.isArray(tags)
          ? tags
              .filter((tag): tag is string => typeof tag === 'string' && tag.trim() !== '')
              .map((tag) => tag.trim().slice(0, 50))
              .slice(0, 50)
          : [],
      },
      bindings,
      createdAt: crsTime(raw.createdAt) ?? Date.now(),
      legacyHash,
      activatedAt: expiry.activatedAt,
      notes,
    },
  };
}

/**
 * normalizePermissions: a JSON array, or an old comma-separated or single-service string ([] or 'all': every
 * service). A value it cannot read becomes one unknown service there, which permits nothing: `undefined` here.
 */
function permissionsOf(value: string | undefined, notes: string[]): Platform[] | undefined {
  if (!value || value === 'all') return [];
  let services: unknown[] = value.split(',');
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      services = Array.isArray(parsed) ? parsed : [value];
    } catch {
      services = [value];
    }
  }
  if (services.length === 0) return [];
  const platforms = new Set<Platform>();
  for (const service of services) {
    const mapped = PERMISSIONS[String(service).trim()];
    if (mapped) for (const platform of mapped) platforms.add(platform);
    else notes.push(`permission "${String(service)}" names no service; left out`);
  }
  return platforms.size > 0 ? [...platforms] : undefined;
}

function bindingsOf(raw: CrsFields, notes: string[]): Partial<Record<Platform, CrsBindingTarget>> {
  const bindings: Partial<Record<Platform, CrsBindingTarget>> = {};
  for (const { field, platform, kind, marked } of BINDING_FIELDS) {
    const value = raw[field]?.trim();
    if (!value) continue;
    let target: CrsBindingTarget;
    if (value.startsWith('group:')) target = { groupId: value.slice('group:'.length) };
    else {
      const mark = Object.keys(marked ?? {}).find((prefix) => value.startsWith(prefix));
      target = mark
        ? { kind: (marked as Record<string, string>)[mark] as string, accountId: value.slice(mark.length) }
        : { kind, accountId: value };
    }
    if (bindings[platform]) {
      notes.push(`${field} not imported: one binding per pool here, and CRS tries the earlier one first`);
      continue;
    }
    bindings[platform] = target;
  }
  return bindings;
}

/**
 * The account kinds CRS falls back to its shared pool for when a bound account cannot serve (its schedulers
 * log and go on); for the others (Claude and OpenAI sign-ins, groups) it refuses the request. The setting here
 * is per key, so the pool is taken only when every binding of the key is of a kind CRS falls back for.
 */
const POOL_FALLBACK_KINDS = new Set(['claude-console', 'bedrock', 'gemini', 'gemini-api', 'droid']);

function fallbackOf(bindings: Partial<Record<Platform, CrsBindingTarget>>, notes: string[]): 'fail' | 'pool' {
  const targets = Object.values(bindings);
  if (targets.length === 0) return 'fail';
  const pool = targets.every((target) => 'kind' in target && POOL_FALLBACK_KINDS.has(target.kind));
  if (pool) notes.push('its bound account falls back to the shared pool when it cannot serve, as in CRS');
  return pool ? 'pool' : 'fail';
}

function expiryOf(
  raw: CrsFields,
  notes: string[],
): { expiry: CreateApiKeyInput['expiry'] & object; activatedAt: number | undefined } {
  if (raw.expirationMode === 'activation') {
    const activatedAt = raw.isActivated === 'true' ? crsTime(raw.activatedAt) : undefined;
    const expiresAt = crsTime(raw.expiresAt);
    // Once used, CRS fixes the expiry (activateApiKey writes expiresAt); before, it is a duration.
    if (activatedAt !== undefined && expiresAt !== undefined) {
      return { expiry: { kind: 'fixed', expiresAt }, activatedAt };
    }
    const amount = crsNumber(raw.activationDays) ?? 0;
    const unitSeconds = raw.activationUnit === 'hours' ? 3600 : 86_400;
    if (amount > 0) {
      return {
        expiry: { kind: 'after-first-use', durationSeconds: Math.round(amount * unitSeconds) },
        activatedAt,
      };
    }
    notes.push('activation mode without a duration: imported as never expiring');
    return { expiry: { kind: 'never' }, activatedAt: undefined };
  }
  const expiresAt = crsTime(raw.expiresAt);
  return {
    expiry: expiresAt === undefined ? { kind: 'never' } : { kind: 'fixed', expiresAt },
    activatedAt: undefined,
  };
}

function clientsOf(value: string | undefined, notes: string[]): ClientKind[] {
  const listed = crsJson(value, notes, 'allowedClients');
  if (!Array.isArray(listed)) return [];
  const clients = new Set<ClientKind>();
  for (const client of listed) {
    const mapped = CLIENTS[String(client)];
    if (mapped) clients.add(mapped);
    else notes.push(`allowed client "${String(client)}" is not one this relay recognises; left out`);
  }
  return [...clients];
}

function modelsOf(value: string | undefined, notes: string[]): string[] {
  const listed = crsJson(value, notes, 'restrictedModels');
  if (!Array.isArray(listed)) return [];
  const models: string[] = [];
  for (const model of listed) {
    const name = String(model).trim();
    if (/^[A-Za-z0-9._:/@-]+\*?$/.test(name) && name.length <= 200) models.push(name);
    else notes.push(`restricted model "${name}" is not a model name; left out`);
  }
  return models.slice(0, 500);
}

function limitsOf(raw: CrsFields, notes: string[]): NonNullable<CreateApiKeyInput['limits']> {
  const limits: NonNullable<CreateApiKeyInput['limits']> = {};
  const concurrency = crsNumber(raw.concurrencyLimit) ?? 0;
  if (concurrency > 0) limits.concurrency = Math.min(Math.round(concurrency), 10_000);
  const minutes = crsNumber(raw.rateLimitWindow) ?? 0;
  const requests = crsNumber(raw.rateLimitRequests) ?? 0;
  const cost = crsMicros(raw.rateLimitCost);
  const tokens = crsNumber(raw.tokenLimit) ?? 0;
  if (minutes > 0 && (requests > 0 || cost > 0 || tokens > 0)) {
    limits.window = {
      seconds: Math.round(minutes * 60),
      // CRS starts a window at the first request after the last one ended; ours are aligned to the clock.
      mode: 'fixed',
      ...(requests > 0 ? { requests: Math.round(requests) } : {}),
      ...(tokens > 0 ? { tokens: Math.round(tokens) } : {}),
      // CRS checks a window's token cap instead of its cost cap when both are set.
      ...(cost > 0 && tokens === 0 ? { costMicros: cost } : {}),
    };
  } else if (requests > 0 || cost > 0 || tokens > 0) {
    notes.push('rate limit without a window length: CRS does not apply it either; left out');
  }
  const daily = crsMicros(raw.dailyCostLimit);
  if (daily > 0) limits.dailyCostMicros = daily;
  const total = crsMicros(raw.totalCostLimit);
  if (total > 0) limits.totalCostMicros = total;
  // Despite its name, CRS's weekly "Opus" limit caps all Claude-family models served by its Claude accounts.
  const claudeWeek = crsMicros(raw.weeklyOpusCostLimit);
  if (claudeWeek > 0) {
    limits.weeklyCostMicros = claudeWeek;
    notes.push(
      'weeklyOpusCostLimit (CRS: a weekly cap on Claude models) imported as the key’s weekly spend limit',
    );
    const resetDay = crsNumber(raw.weeklyResetDay) || 1;
    const resetHour = crsNumber(raw.weeklyResetHour) ?? 0;
    if (resetDay !== 1 || resetHour !== 0) {
      notes.push(
        `weekly limit reset on day ${resetDay} at ${resetHour}:00 in CRS; here weeks start on the relay's WEEK_START at midnight`,
      );
    }
  }
  return limits;
}

/** Fields CRS keeps that change how a key is served and that this relay has no setting for. */
function unsupported(raw: CrsFields, notes: string[]): void {
  const rates = crsJson(raw.serviceRates, notes, 'serviceRates');
  if (rates && typeof rates === 'object' && Object.keys(rates).length > 0) {
    notes.push('serviceRates (per-key price multipliers) have no equivalent: prices here are per model');
  }
  if (raw.enableOpenAIResponsesPayloadRules === 'true') {
    notes.push('OpenAI Responses payload rules have no equivalent and were left out');
  }
  if (raw.icon) notes.push('icon not imported');
}
