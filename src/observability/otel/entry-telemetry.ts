// The one place a settled request's ledger entry becomes OpenTelemetry: its span's name, times, status and
// attributes, and what the GenAI metrics record, named as the GenAI semantic conventions name them.
import type { Attributes } from '@opentelemetry/api';
import { PLATFORMS, type Platform } from '../../services/domain/platforms.js';
import type { LedgerEntry } from '../../services/usage/ledger-entry.js';
import { totalInputTokens } from '../../services/usage/usage-types.js';

/**
 * GenAI semantic-convention names (development status), as in open-telemetry/semantic-conventions-genai
 * `docs/gen-ai/gen-ai-metrics.md` and `docs/registry/attributes/gen-ai.md`, and
 * `@opentelemetry/semantic-conventions/incubating` 1.45. Written out rather than imported so the relay's static
 * import graph stays free of OpenTelemetry when the export is off.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  tokenType: 'gen_ai.token.type',
} as const;

/** General (stable) semantic-convention names used alongside the GenAI ones. */
export const ERROR_TYPE = 'error.type';
export const HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/**
 * `gen_ai.provider.name` of each pool, from the semconv's well-known values. The entry names the pool, not the
 * account kind that answered, so a pool that mixes backends gets the value that is true of all of them.
 */
const PROVIDER_OF: Record<Platform, string> = {
  // Holds Bedrock accounts too (`aws.bedrock`); most answer as Anthropic's own API.
  claude: 'anthropic',
  openai: 'openai',
  azure: 'azure.ai.openai',
  // AI Studio (`gcp.gemini`) and Code Assist accounts share the pool: `gcp.gen_ai` is the semconv's "a Google
  // endpoint, which one unknown".
  gemini: 'gcp.gen_ai',
  // Factory resells several makers' models; no well-known value fits, and the semconv allows a custom one.
  droid: 'factory',
};

/** Bounds a free-form metric attribute value (a model name, an error code) so the series cannot grow without end. */
export type BoundValue = (attribute: string, value: string) => string;

export interface EntryTelemetry {
  /** `{gen_ai.operation.name} {gen_ai.request.model}`, as the semconv names inference spans. */
  spanName: string;
  /** When the request reached the relay and when its last byte left. */
  start: Date;
  end: Date;
  /** `error.type`; undefined when the request ended ok. */
  error: string | undefined;
  /** The span's status message when the request failed: the entry's error message, or else its error code. */
  errorMessage: string | undefined;
  spanAttributes: Attributes;
  /** Carried by every GenAI metric point of the entry, free-form values bounded. */
  metricAttributes: Attributes;
  /** `gen_ai.client.operation.duration` also carries `error.type` when the request failed. */
  durationAttributes: Attributes;
  /** For `gen_ai.client.token.usage`; undefined when the upstream reported no usage. */
  tokens: { input: number; output: number } | undefined;
  durationSeconds: number;
  /** Streams only: the semconv reports time to first chunk for streaming calls and not otherwise. */
  timeToFirstChunkSeconds: number | undefined;
}

/**
 * Everything OpenTelemetry is told about one ledger entry.
 *
 * ── The one place entry fields become attributes; a field added to LedgerEntry is mapped here or nowhere.
 *    Not yet in the entry: the operation (→ `gen_ai.operation.name`: `chat`, `generate_content`,
 *    `text_completion`…; constant `chat` until it is), and the account kind that answered (→ a sharper
 *    `gen_ai.provider.name`: Bedrock accounts → `aws.bedrock`, AI Studio → `gcp.gemini`; the upstream *format*
 *    cannot tell, Bedrock speaks Anthropic's). New span attributes go under `relay.`; a metric attribute only
 *    when its values are few (and through `bound` when clients or upstreams choose them).
 */
export function describeEntry(entry: LedgerEntry, bound: BoundValue): EntryTelemetry {
  const operation = 'chat';
  const provider = providerOf(entry.platform);
  const failed = entry.outcome !== 'ok';
  const error = failed ? (entry.errorCode ?? entry.outcome) : undefined;
  // `error.type` stays a low-cardinality code; the line saying what went wrong goes in the status message.
  const errorMessage = failed ? (entry.errorMessage ?? error) : undefined;
  const { usage } = entry;
  const input = totalInputTokens(usage);
  const reported = input + usage.output > 0;
  const cacheCreation = usage.cacheWrite5m + usage.cacheWrite1h;
  const ttftSeconds = entry.stream && entry.ttftMs !== undefined ? entry.ttftMs / 1000 : undefined;

  const spanAttributes: Attributes = {
    [GEN_AI.operationName]: operation,
    [GEN_AI.providerName]: provider,
    [GEN_AI.requestModel]: entry.model,
    [GEN_AI.responseModel]: entry.upstreamModel,
    'relay.request_id': entry.requestId,
    'relay.key_id': entry.keyId,
    'relay.platform': entry.platform,
    'relay.outcome': entry.outcome,
    'relay.attempts': entry.attempts,
  };
  const optional: Attributes = {
    // The semconv sets it if and only if the request streamed.
    [GEN_AI.requestStream]: entry.stream ? true : undefined,
    [GEN_AI.timeToFirstChunk]: ttftSeconds,
    [GEN_AI.inputTokens]: reported ? input : undefined,
    [GEN_AI.outputTokens]: reported ? usage.output : undefined,
    [GEN_AI.cacheReadTokens]: usage.cacheRead > 0 ? usage.cacheRead : undefined,
    [GEN_AI.cacheCreationTokens]: cacheCreation > 0 ? cacheCreation : undefined,
    [GEN_AI.reasoningTokens]: usage.reasoning,
    [ERROR_TYPE]: error,
    [HTTP_RESPONSE_STATUS_CODE]: entry.status > 0 ? entry.status : undefined,
    'relay.account_id': entry.accountId,
    'relay.client_request_id': entry.clientRequestId,
    'relay.user_id': entry.userId,
    'relay.client_kind': entry.clientKind,
    // Empty for entries the reconciler wrote for a lost instance's requests.
    'relay.client_format': entry.clientFormat || undefined,
    'relay.upstream_format': entry.upstreamFormat,
    'relay.cost_usd': entry.costMicros > 0 ? entry.costMicros / 1_000_000 : undefined,
    // Only said when true: the stream ended before the upstream's final usage, so the counts are partly estimated.
    'relay.usage_estimated': entry.estimated ? true : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) spanAttributes[key] = value;
  }

  const metricAttributes: Attributes = {
    [GEN_AI.operationName]: operation,
    [GEN_AI.providerName]: provider,
    [GEN_AI.requestModel]: bound(GEN_AI.requestModel, entry.model),
    [GEN_AI.responseModel]: bound(GEN_AI.responseModel, entry.upstreamModel),
  };
  return {
    spanName: `${operation} ${entry.model}`,
    start: new Date(entry.at),
    end: new Date(entry.at + entry.latencyMs),
    error,
    errorMessage,
    spanAttributes,
    metricAttributes,
    durationAttributes:
      error === undefined
        ? metricAttributes
        : { ...metricAttributes, [ERROR_TYPE]: bound(ERROR_TYPE, error) },
    tokens: reported ? { input, output: usage.output } : undefined,
    durationSeconds: entry.latencyMs / 1000,
    timeToFirstChunkSeconds: ttftSeconds,
  };
}

function providerOf(platform: string): string {
  const known = PLATFORMS.find((candidate) => candidate === platform);
  return known === undefined ? platform : PROVIDER_OF[known];
}
