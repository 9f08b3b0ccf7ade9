// The contract every format a client can speak fulfils: how its requests are read, identified, measured and
// capped, how its answers are tapped for usage, and how its errors look. Formats never import each other; the
// pipeline reaches each through this contract only.
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorShape } from '../../errors/error-shape.js';
import type { InputMeasure } from '../../services/admission/cost-bound.js';
import type { ListedModel } from '../../services/models/model-directory.js';
import type { ClientHints } from '../client/client-kind.js';
import type { PassThroughFormat } from '../exchange/stream-tap.js';

/** The formats this build serves; each is a folder under src/relay/formats/. */
export type FormatName = 'anthropic' | 'openai-responses' | 'openai-chat' | 'gemini' | 'gemini-code-assist';

/**
 * What a route asks of its format and of the account behind it: a billed generation, or one of the free
 * calls (token counts, model lists) that leave no ledger entry.
 */
export type Operation = 'generate' | 'count-tokens' | 'list-models';

/** What the relay reads from a request body: just enough to route, restrict, admit and account it. */
export interface RequestInfo {
  model: string;
  /** From the body, never from `Accept`. */
  stream: boolean;
  /** The most output the client asked for (Anthropic `max_tokens`, Responses `max_output_tokens`). */
  maxTokens: number | undefined;
  /** The parsed body, top level checked, everything below it as the client sent it. */
  body: Record<string, unknown>;
  /** What the body says about the client sending it (Claude Code's `metadata.user_id`). */
  clientHints: ClientHints;
}

/** What the path says about a request: what its route captured (Gemini's model and method) and its query. */
export interface RequestPath {
  params: Readonly<Record<string, string>>;
  /** Raw query string without the leading `?`, or ''. */
  query: string;
}

/** A format's own model list, drawn by the relay from the models a key may use. */
export interface ModelListing {
  /** The answer to `GET .../models`; `owner` names the pool that serves them. */
  list(models: readonly ListedModel[], owner: string): unknown;
  /** The answer to `GET .../models/{id}`. */
  entry(model: ListedModel, owner: string): unknown;
}

export interface RelayFormat extends PassThroughFormat {
  readonly name: FormatName;
  /** How this format's clients read an error answer. */
  readonly errors: ErrorShape;
  /** Reads a body for `operation`; throws a 4xx AppError naming the field when it cannot be served. */
  parse(raw: Buffer, operation: Operation, path: RequestPath): RequestInfo;
  /** The conversation the request continues, for sticky routing; undefined when nothing names one. */
  sessionId(headers: IncomingHttpHeaders, info: RequestInfo, raw: Buffer): string | undefined;
  /** A bound and an estimate of the request's input tokens, for the cost reservation. */
  measureInput(raw: Buffer, info: RequestInfo): InputMeasure;
  /** The body asking for at most `maxTokens` of output: what a reservation that only partly fit pays for. */
  capOutput(raw: Buffer, info: RequestInfo, maxTokens: number): Buffer;
  /**
   * The bytes to send upstream when the relay must ask for something the client did not (Chat Completions'
   * usage chunk); absent, the client's bytes go as they are. The tap, told what the client asked, hides it.
   */
  upstreamBody?(raw: Buffer, info: RequestInfo): Buffer;
  /** The model is the path's (`models/{model}:generateContent`), not a body field: mapping changes no bytes. */
  readonly modelInPath?: boolean;
  /** The smallest generation request of this format (one output token): what a connection test sends. */
  testBody(model: string): Buffer;
  /**
   * How the relay lists models in this format; absent, a model list is the account's own, passed through (an
   * Anthropic account answers it exactly as Anthropic's API does).
   */
  readonly models?: ModelListing;
  /**
   * How the relay lists models instead of passing the account's own list through, when the caller may not use
   * every model (a key with model restrictions, a device signed in through the gateway).
   */
  readonly restrictedModels?: ModelListing;
}
