// Turns a client's Anthropic Messages body into a Bedrock InvokeModel call (path + body) at the byte level.
import { AppError } from '../../../errors/app-error.js';
import { topLevelMembers } from '../../stream/json-scan.js';

/** The only `anthropic_version` Bedrock accepts for the Messages API. */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

export interface BedrockInvokeOptions {
  /** Bedrock model id, inference profile id or ARN (see `bedrockModelId`). */
  modelId: string;
  /** true: `invoke-with-response-stream` (event stream answer); false: `invoke` (one JSON message). */
  stream: boolean;
  /** Values of the client's `anthropic-beta` header(s); Bedrock takes them in the body instead. */
  betas: readonly string[];
}

export interface BedrockInvoke {
  /** Path for the bedrock-runtime endpoint, the model id percent-encoded (`:` becomes `%3A`). */
  path: string;
  body: Buffer;
}

/**
 * Bedrock names the model and the streaming mode in the path and rejects `model` and `stream` in the body;
 * the version and betas travel in the body. A client's own `anthropic_version` / `anthropic_beta` members
 * are dropped so ours are the only ones (duplicate keys are resolved differently by different parsers).
 */
const DROPPED = new Set(['model', 'stream', 'anthropic_version', 'anthropic_beta']);
const OPEN = Buffer.from(`{"anthropic_version":${JSON.stringify(BEDROCK_ANTHROPIC_VERSION)}`);
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from('}');

/**
 * Builds the Bedrock call for an Anthropic Messages body. Every kept member is copied byte for byte (no parse,
 * no re-serialisation: bodies run to hundreds of KB); only the whitespace between top-level members is lost.
 * Throws AppError('invalid_request') when the body is not one JSON object.
 */
export function toBedrockInvoke(body: Buffer, options: BedrockInvokeOptions): BedrockInvoke {
  const members = topLevelMembers(body);
  if (members === undefined) throw new AppError('invalid_request', 'Request body must be a JSON object');
  const parts: Buffer[] = [OPEN];
  const betas = options.betas.map((beta) => beta.trim()).filter((beta) => beta !== '');
  if (betas.length > 0) parts.push(Buffer.from(`,"anthropic_beta":${JSON.stringify(betas)}`));
  for (const member of members) {
    if (DROPPED.has(member.name)) continue;
    parts.push(COMMA, body.subarray(member.start, member.end));
  }
  parts.push(CLOSE);
  const action = options.stream ? 'invoke-with-response-stream' : 'invoke';
  return { path: `/model/${encodeURIComponent(options.modelId)}/${action}`, body: Buffer.concat(parts) };
}

/** Anthropic model name (no date) → Bedrock foundation model id. */
const BEDROCK_MODELS: ReadonlyMap<string, string> = new Map([
  ['claude-opus-4-5', 'anthropic.claude-opus-4-5-20251101-v1:0'],
  ['claude-opus-4-1', 'anthropic.claude-opus-4-1-20250805-v1:0'],
  ['claude-opus-4', 'anthropic.claude-opus-4-20250514-v1:0'],
  ['claude-sonnet-4-5', 'anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ['claude-sonnet-4', 'anthropic.claude-sonnet-4-20250514-v1:0'],
  ['claude-3-7-sonnet', 'anthropic.claude-3-7-sonnet-20250219-v1:0'],
  ['claude-haiku-4-5', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
  ['claude-3-5-haiku', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
]);

const SUFFIX = /^(.*)-(\d{8}|latest)$/;

/**
 * The Bedrock model id for a client's model name. Bedrock ids and ARNs (inference profiles included) pass
 * through; known Anthropic names, bare, `-latest` or with their own release date, map to the plain foundation
 * model id (accounts that need a cross-region profile map to it in their model mapping). Anything else,
 * including a known name with a different date, passes through unchanged: Bedrock answers a
 * ValidationException, which reaches the client as a 400, rather than the relay silently picking a model.
 */
export function bedrockModelId(model: string): string {
  if (model.startsWith('arn:') || model.includes('anthropic.')) return model;
  const exact = BEDROCK_MODELS.get(model);
  if (exact !== undefined) return exact;
  const suffixed = SUFFIX.exec(model);
  const base = suffixed?.[1];
  const id = base === undefined ? undefined : BEDROCK_MODELS.get(base);
  if (id === undefined) return model;
  return suffixed?.[2] === 'latest' || id.includes(`-${suffixed?.[2]}-`) ? id : model;
}
