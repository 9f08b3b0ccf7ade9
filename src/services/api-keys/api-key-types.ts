// Zod schemas of relay API keys: the stored record and the inputs that create or change one.
import { z } from 'zod';
import { CLIENT_KINDS, MODEL_FAMILIES, PLATFORMS } from '../domain/platforms.js';
import { HASH_SCHEMES } from './legacy-key-hashes.js';

/** Money is integer micro-USD everywhere: 1 USD = 1_000_000. */
const micros = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const positiveInt = (max: number) => z.number().int().min(1).max(max);

export const modelPatternSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:/@-]+\*?$/, { error: 'must be a model name, optionally ending in * for a prefix' });

/**
 * Model name → the name it is served as. Keys map first (the name the client asked for), then the serving
 * account maps the result to what its upstream calls it; both take this one shape.
 */
export const modelMappingSchema = z.record(z.string().min(1).max(200), z.string().min(1).max(200));

export const expirySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  z.object({ kind: z.literal('fixed'), expiresAt: z.number().int().positive() }),
  z.object({ kind: z.literal('after-first-use'), durationSeconds: positiveInt(10 * 365 * 86_400) }),
]);

export const rateWindowSchema = z.object({
  seconds: positiveInt(31 * 86_400),
  mode: z.enum(['sliding', 'fixed']).default('sliding'),
  requests: positiveInt(1_000_000_000).optional(),
  tokens: positiveInt(Number.MAX_SAFE_INTEGER).optional(),
  costMicros: micros.optional(),
});

export const limitsSchema = z.object({
  concurrency: positiveInt(10_000).optional(),
  /** When set, a request over the concurrency limit waits for a slot instead of failing at once. */
  queue: z.object({ maxWaiters: positiveInt(10_000), maxWaitMs: positiveInt(600_000) }).optional(),
  window: rateWindowSchema.optional(),
  dailyCostMicros: micros.optional(),
  weeklyCostMicros: micros.optional(),
  monthlyCostMicros: micros.optional(),
  totalCostMicros: micros.optional(),
  weeklyCostMicrosByFamily: z.partialRecord(z.enum(MODEL_FAMILIES), micros).optional(),
});

export const bindingSchema = z
  .object({
    accountId: z.string().min(1).max(100).optional(),
    groupId: z.string().min(1).max(100).optional(),
  })
  .refine((binding) => !(binding.accountId && binding.groupId), {
    error: 'bind an account or a group, not both',
  });

export const BODY_CAPTURE_MODES = ['default', 'on', 'off'] as const;

const keyFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).optional(),
  ownerId: z.string().min(1).max(100).optional(),
  enabled: z.boolean(),
  expiry: expirySchema,
  platforms: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length),
  modelAllow: z.array(modelPatternSchema).max(500),
  modelDeny: z.array(modelPatternSchema).max(500),
  clients: z.array(z.enum(CLIENT_KINDS)).max(CLIENT_KINDS.length),
  /** The request is served as the mapped model: it picks the pool, restrictions and prices apply to it. */
  modelMapping: modelMappingSchema,
  limits: limitsSchema,
  bindings: z.partialRecord(z.enum(PLATFORMS), bindingSchema),
  /** What happens when the bound account or group cannot serve: refuse, or use the whole pool. */
  bindingFallback: z.enum(['fail', 'pool']),
  tags: z.array(z.string().trim().min(1).max(50)).max(50),
  /** Whether the request log keeps this key's bodies: `default` follows REQUEST_LOG_BODIES. */
  bodyCapture: z.enum(BODY_CAPTURE_MODES),
};

export const createApiKeyInputSchema = z.object({
  ...keyFields,
  enabled: keyFields.enabled.default(true),
  expiry: keyFields.expiry.default({ kind: 'never' }),
  platforms: keyFields.platforms.default([]),
  modelAllow: keyFields.modelAllow.default([]),
  modelDeny: keyFields.modelDeny.default([]),
  clients: keyFields.clients.default([]),
  modelMapping: keyFields.modelMapping.default({}),
  limits: keyFields.limits.default({}),
  bindings: keyFields.bindings.default({}),
  bindingFallback: keyFields.bindingFallback.default('fail'),
  tags: keyFields.tags.default([]),
  bodyCapture: keyFields.bodyCapture.default('default'),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInputSchema>;

export const updateApiKeyInputSchema = z.object(keyFields).partial();
export type UpdateApiKeyInput = z.input<typeof updateApiKeyInputSchema>;

/**
 * A create request as the caller sent it, defaults not applied: edges validate with this, so the rule that
 * members may set only some fields sees what the caller set rather than the defaults.
 */
export const createApiKeyRequestSchema = updateApiKeyInputSchema.required({ name: true });

export const storedApiKeySchema = z.object({
  ...keyFields,
  // Keys stored before keys could map models have no mapping; they read as mapping nothing.
  modelMapping: keyFields.modelMapping.default({}),
  bodyCapture: keyFields.bodyCapture.default('default'),
  id: z.string(),
  /** SHA-256 (hex) of the full plaintext key; the plaintext itself is never stored. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * `peppered-sha256`: a key imported from another relay, whose `hash` is that relay's peppered hash (pepper
   * `pepperId`) until its first use, when it becomes our own. Absent: `sha256`.
   */
  hashScheme: z.enum(HASH_SCHEMES).optional(),
  pepperId: z.string().optional(),
  /** Prefix and last four characters, enough for a person to recognise their key. */
  hint: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  rotatedAt: z.number().int().optional(),
});
export type StoredApiKey = z.infer<typeof storedApiKeySchema>;
/** An API key as services hand it out: everything but the hash. */
export type ApiKey = Omit<StoredApiKey, 'hash'>;
