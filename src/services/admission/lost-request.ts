// What admission records about a request for the case its instance dies before settling it: enough for the
// reconciler to write the request's ledger entry (outcome instance_lost) from the claim alone.
import { z } from 'zod';

export const lostRequestInfoSchema = z.object({
  /** Admission time, ms since the epoch. */
  at: z.number(),
  platform: z.string(),
  model: z.string(),
  /** The admission's input estimate, tokens. */
  inputTokens: z.number(),
  stream: z.boolean(),
  clientRequestId: z.string().optional(),
  /** The key's owner, the client's format and kind, for the request log. */
  userId: z.string().optional(),
  clientFormat: z.string().optional(),
  client: z.string().optional(),
});

export type LostRequestInfo = z.infer<typeof lostRequestInfoSchema>;

/** A claim the reconciler ended, as key-reconcile-n.lua returns it. */
export interface LostClaim {
  requestId: string;
  keyId: string;
  /** The estimated cost charged to the key, micro-USD. */
  estimateMicros: number;
  info: LostRequestInfo;
}

/**
 * Reads "<reserved>|<limited>|<charged>|<estimated micros>|<info JSON>"; undefined for a record it cannot
 * read (written by another version), which the caller counts instead of failing the whole pass.
 */
export function parseLostClaim(keyId: string, requestId: string, record: string): LostClaim | undefined {
  const fields: string[] = [];
  let from = 0;
  for (let index = 0; index < 4; index += 1) {
    const next = record.indexOf('|', from);
    if (next === -1) return undefined;
    fields.push(record.slice(from, next));
    from = next + 1;
  }
  const estimateMicros = Number(fields[3]);
  let json: unknown;
  try {
    json = JSON.parse(record.slice(from));
  } catch {
    return undefined;
  }
  const info = lostRequestInfoSchema.safeParse(json);
  if (!info.success || !Number.isFinite(estimateMicros)) return undefined;
  return { requestId, keyId, estimateMicros, info: info.data };
}

/**
 * The spend counters a claim record charges if its request is lost (their suffixes in the claim's slot): the
 * third field, "<suffix>:<ttl seconds>" pairs, comma-separated. The reconcile script declares their keys.
 */
export function chargedSuffixes(record: string): string[] {
  const fields = record.split('|', 3);
  if (fields.length < 3 || !fields[2]) return [];
  const suffixes: string[] = [];
  for (const item of fields[2].split(',')) {
    // Suffixes contain colons themselves: the time to live is what follows the last one.
    const colon = item.lastIndexOf(':');
    if (colon > 0) suffixes.push(item.slice(0, colon));
  }
  return suffixes;
}
