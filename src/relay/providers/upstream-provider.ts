// The contract every account kind's provider fulfils: which client format it answers, which operations it
// serves, how a call to one of its accounts is built, and how its error answers read. Providers never import
// each other; the registry names one per account type.
import type { IncomingHttpHeaders } from 'node:http';
import type { AppError } from '../../errors/app-error.js';
import type { RateLimitReading, UpstreamSignal } from '../../services/accounts/account-signals.js';
import type { AccountRuntime } from '../../services/accounts/account-types.js';
import type { ResponseTranslation } from '../exchange/stream-tap.js';
import type { FormatName, Operation } from '../formats/relay-format.js';

/** One call to build, as the pipeline knows it. */
export interface ProviderCall {
  runtime: AccountRuntime;
  /** The client's format, which (with the operation) picks the upstream endpoint. */
  format: FormatName;
  operation: Operation;
  clientHeaders: IncomingHttpHeaders;
  /** The client's body, its model already the one this account is asked for; undefined for GETs. */
  body: Buffer | undefined;
  /** The model the account is asked for (after its mapping); undefined for model lists. */
  model: string | undefined;
  stream: boolean;
  /** The client's query string without the relay key, `?…` or ''. */
  query: string;
  /** One model's id for `list-models` of a single model. */
  modelId: string | undefined;
  /**
   * The credential to present, read at call time (an OAuth token may have been refreshed since the runtime
   * was loaded); a provider that signs its requests itself (Bedrock) never asks.
   */
  credential: () => string | Promise<string>;
  /**
   * Sends a small request of the provider's own through the account's transport and reads its answer whole:
   * for what a vendor must be asked before the call can be built (Code Assist's project for the account).
   */
  ask: (request: ProviderRequest) => Promise<{ status: number; body: Buffer }>;
}

/**
 * Thrown by `buildCall` when the account cannot be called as it stands (its vendor refused to set it up, or
 * could not be reached): the account's failure, which failover routes around and the signal describes.
 */
export class ProviderCallFailure extends Error {
  constructor(
    readonly appError: AppError,
    readonly signal: UpstreamSignal,
  ) {
    super(appError.message);
  }
}

/** Where a call goes and what it carries. */
export interface ProviderRequest {
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: Buffer | undefined;
}

export interface UpstreamProvider {
  /**
   * The client formats this provider's accounts answer; the pipeline sends them only those formats' routes.
   * The first is the one connection tests speak.
   */
  readonly formats: readonly [FormatName, ...FormatName[]];
  readonly operations: ReadonlySet<Operation>;
  /**
   * False for accounts that cannot take a request translated from another format (Codex's ChatGPT backend wants
   * Codex's own requests); absent, a pool that speaks none of a client's formats is reached by translation.
   */
  readonly acceptsTranslation?: false;
  /**
   * Whether its accounts take a lowered output bound, which admission sets when only part of a request's worst
   * case fits a key's budget (Codex's ChatGPT backend refuses `max_output_tokens`).
   */
  readonly acceptsOutputCap: boolean;
  /** Builds the call; a credential that cannot be had (a refused OAuth refresh) throws from `credential()`. */
  buildCall(call: ProviderCall): ProviderRequest | Promise<ProviderRequest>;
  /**
   * How the account's answers become the client's, for a client format its wire format is not (Bedrock's event
   * stream, Code Assist's wrapped answers to public-API clients); undefined where they pass through.
   */
  translation?(format: FormatName): ResponseTranslation | undefined;
  /**
   * What an answer's rate-limit headers say about the account (headroom, when an exhausted limit resets);
   * absent where services read the vendor's headers themselves (Anthropic's).
   */
  readLimits?: ((headers: IncomingHttpHeaders, now: number) => RateLimitReading | undefined) | undefined;
  /** The upstream's error answer as the AppError the client sees (keeping the upstream's own message). */
  httpError(status: number, body: Buffer, headers: IncomingHttpHeaders): AppError;
  /** The model a connection test asks for when the account names none: the cheapest current one. */
  readonly testModel: string;
}
