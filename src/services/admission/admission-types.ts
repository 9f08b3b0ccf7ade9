// What admission takes in and hands back: the request's admission input, the ticket a settle needs, and the
// service's options. Apart from the service, so the relay and the settler depend on these shapes only.
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import type { ClientKind, Platform } from '../domain/platforms.js';
import type { EffectiveSpendLimit } from '../spend-limits/spend-limit-types.js';
import type { InputMeasure } from './cost-bound.js';
import type { SpendCounter } from './spend-counters.js';

/** The caps on a key's owner; answered from memory when no limit could apply (no promise then). */
export interface OwnerLimits {
  effective(userId: string): EffectiveSpendLimit[] | Promise<EffectiveSpendLimit[]>;
}

export interface AdmissionInput {
  key: StoredApiKey;
  requestId: string;
  /** The client's own request id, recorded with a lost request's ledger entry. */
  clientRequestId?: string | undefined;
  platform: Platform;
  model: string;
  client: ClientKind | undefined;
  /** The format the client spoke, recorded with a lost request's ledger entry. */
  clientFormat?: string | undefined;
  stream: boolean;
  /** What the body says about its input tokens. */
  input: InputMeasure;
  maxTokens: number | undefined;
  /** Ends waiting in the key's queue when the client goes away. */
  signal?: AbortSignal;
}

/** What settling one admitted request charges: its real cost and the tokens its rate window counts. */
export interface KeySettle {
  ticket: AdmissionTicket;
  costMicros: number;
  tokens: number;
}

/** What a settle needs to give back what admission took. */
export interface AdmissionTicket {
  keyId: string;
  requestId: string;
  counters: SpendCounter[];
  window: { ms: number; mode: 'sliding' | 'fixed' } | undefined;
  /** A key with an owner also spends into the owner's counters, held and settled in the owner's slot. */
  owner: { userId: string; counters: SpendCounter[] } | undefined;
  /** Whether others may be waiting in this key's queue for the slot this request frees. */
  wakesQueue: boolean;
  /**
   * The output tokens this request may produce, when its worst case did not fit under a cost limit and it was
   * admitted with the room that was left: the caller must ask the upstream for no more. Undefined otherwise.
   */
  outputCap: number | undefined;
  /** Stops renewing this request's claim and lease; called once its settle has been written. */
  untrack: () => void;
}

export interface AdmissionOptions {
  leaseTtlMs: number;
  /** Output bound for requests that do not say `max_tokens`. */
  defaultMaxOutputTokens: number;
  /** Releases kept in memory while Redis is away. */
  releaseQueueMax?: number;
}
