// Public types of the fake upstream provider: scenarios, recorded requests and the server handle.
import type { IncomingHttpHeaders } from 'node:http';

export interface StartFakeUpstreamOptions {
  /** When set, requests must authenticate with this key (provider-specific header), else auth error. */
  apiKey?: string;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  /**
   * Codex's ChatGPT backend (`/backend-api/codex/responses`): when set, the `chatgpt-account-id` header must
   * name this workspace, else 403. Without it any non-empty value is accepted.
   */
  chatgptAccountId?: string;
  /**
   * Code Assist (`/v1internal:*`): the OAuth access token `Authorization: Bearer` must carry, or a check of it
   * (e.g. the fake Google OAuth server's `isLiveAccessToken`), else 401 UNAUTHENTICATED. Unset: any non-empty
   * bearer token is accepted.
   */
  googleAccessToken?: string | ((token: string) => boolean);
  /**
   * Factory's gateway (`/api/llm/*`, factory.ts): the bearer credential it takes, or a check of it (e.g. the fake
   * WorkOS's `isLiveAccessToken`; leave `apiKey` unset then). Unset: `apiKey`, else any non-empty token.
   */
  factoryToken?: string | ((token: string) => boolean);
  /** Code Assist: the Cloud project of the signed-in account (default `fake-project-123`). */
  codeAssistProject?: string;
  /** Code Assist: whether the account has been onboarded yet (default `onboarded`). */
  codeAssistState?: CodeAssistTierState;
}

/**
 * Code Assist account state: `onboarded` (loadCodeAssist names a current tier and the project) or
 * `needs-onboarding` (no current tier: a client must call onboardUser with the default `free-tier` first).
 */
export type CodeAssistTierState = 'onboarded' | 'needs-onboarding';

/** Code Assist methods that take their scenarios from `codeAssist.enqueue`, not from the shared queue. */
export type CodeAssistSetupMethod =
  | 'loadCodeAssist'
  | 'onboardUser'
  | 'getOperation'
  | 'retrieveUserQuota'
  | 'listExperiments'
  | 'getCodeAssistGlobalUserSetting'
  | 'setCodeAssistGlobalUserSetting'
  | 'recordCodeAssistMetrics';

/** Every Code Assist method the fake answers (`getOperation` is `GET /v1internal/operations/{id}`). */
export type CodeAssistMethod =
  | CodeAssistSetupMethod
  | 'generateContent'
  | 'streamGenerateContent'
  | 'countTokens';

/** The Code Assist account behind `/v1internal:*` (state is per fake upstream; `reset()` restores the options). */
export interface FakeCodeAssist {
  /** The account's project: what loadCodeAssist / onboarding hand out and generate calls must name. */
  project: string;
  state: CodeAssistTierState;
  /** GETs of a pending onboarding operation answered `done: false` before it completes (default 0). */
  onboardPendingPolls: number;
  /** Calls per method, counted on arrival (refused ones included). */
  readonly calls: Readonly<Record<CodeAssistMethod, number>>;
  /** Scenarios for one set-up method (FIFO); those methods never take from the shared `enqueue` queue. */
  enqueue(method: CodeAssistSetupMethod, ...scenarios: Scenario[]): void;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  /**
   * Output tokens spent on reasoning. Providers that report them count them inside the output (OpenAI's
   * `output_tokens` includes `output_tokens_details.reasoning_tokens`; Anthropic's single `output_tokens` includes
   * thinking), so they are part of `outputTokens`,
   * whose default becomes the answer's words plus these.
   */
  reasoningTokens: number;
}

/** A function call the fake answers with (Chat Completions, Responses, Anthropic Messages, Gemini). */
export interface ToolCall {
  name: string;
  /**
   * The arguments JSON text, sent as is (streamed in `chunks` pieces). Anthropic (`tool_use.input`) and Gemini
   * (`args`): parsed, `{}` when it is not a JSON object.
   */
  arguments: string;
  /**
   * The call's id: Chat Completions `tool_calls[].id`, Responses `call_id` (the item's own id is a fresh `fc_…`),
   * Anthropic `tool_use.id`. Default: a fresh `call_…` id (Anthropic: `toolu_…`). Gemini: no `id` unless set
   * (Google sends none).
   */
  id?: string;
  /**
   * Gemini: the `thoughtSignature` beside this `functionCall`. Default: a fresh base64 signature on the first call
   * of the answer only (as Google signs parallel calls); `null` leaves it out.
   */
  thoughtSignature?: string | null;
}

export interface Scenario {
  /** Answer with this HTTP status (>= 400: provider-shaped error body). */
  status?: number;
  errorType?: string;
  errorMessage?: string;
  /** Extra response headers, applied last (override the defaults). */
  headers?: Record<string, string>;
  /** Close the connection without answering at all (a crashed upstream or a dropped connection). */
  dropConnection?: boolean;
  /** Wait before sending status + headers. */
  delayFirstByteMs?: number;
  /** Gap between streamed events. */
  eventDelayMs?: number;
  /**
   * Streaming: send status + headers at once, then wait this long before the first event (Anthropic
   * `message_start`, which carries the input usage), as a real upstream does while it reads a long prompt.
   */
  delayFirstEventMs?: number;
  /** Streaming: send N events then hang until the client aborts or close(). */
  stallAfterEvents?: number;
  /** Streaming: send N events then close the connection mid-body. */
  cutAfterEvents?: number;
  /** Streaming: send N events, then the provider's in-stream error event, then end (status stays 200). */
  errorEventAfterEvents?: number;
  /**
   * OpenAI Responses streams: send N events, then `response.failed` (its `response.error` is
   * `{code: errorType ?? 'server_error', message}`, its usage null, as for a request refused before generating),
   * then end. This is how Codex's backend reports, for example, `context_length_exceeded`.
   */
  failedAfterEvents?: number;
  /** Streaming: 200 + text/event-stream with junk bytes and invalid JSON data lines. */
  garbage?: boolean;
  /**
   * Answer with these (parallel) function calls, preceded by the answer text only when `text` is set (Chat
   * Completions: never text).
   * - Chat Completions: `message.tool_calls`, or streamed `delta.tool_calls` (index, id, type and name first, then
   *   the arguments in `chunks` pieces), finish_reason `tool_calls`.
   * - Anthropic Messages: `tool_use` blocks (`input` parsed from `arguments`, `caller: {type: 'direct'}`),
   *   stop_reason `tool_use`; streamed per call as content_block_start (empty `input`), `chunks`
   *   input_json_delta pieces of the arguments text, content_block_stop.
   * - OpenAI Responses (and Codex's backend): `function_call` output items after any message, streamed per call as
   *   response.output_item.added (status `in_progress`, empty arguments), response.function_call_arguments.delta
   *   pieces (`chunks`, empty ones left out), .done, response.output_item.done; all in response.completed.
   * - Gemini / Code Assist: `functionCall` parts (all in the last stream chunk, finishReason STOP).
   */
  toolCalls?: ToolCall[];
  /**
   * A reasoning summary the answer opens with (streamed in `chunks` pieces). Token counts come from
   * `usage.reasoningTokens` only.
   * - Anthropic: a `thinking` block with a fresh base64 `signature` (streamed as thinking_delta pieces, then one
   *   signature_delta); its tokens are part of `output_tokens`, the only output figure.
   * - OpenAI Responses: the reasoning item's `summary: [{type: 'summary_text', text}]`, streamed as
   *   response.reasoning_summary_part.added, reasoning_summary_text.delta pieces, .done, reasoning_summary_part.done
   *   (a reasoning item exists whenever `thoughtText` or `usage.reasoningTokens` is set).
   * - Gemini / Code Assist: a thought-summary part (`thought: true`, its own first stream chunk);
   *   `usage.reasoningTokens` becomes `thoughtsTokenCount` (outside `candidatesTokenCount`, as Google counts them).
   */
  thoughtText?: string;
  /**
   * Google 429s on Code Assist: the ErrorInfo reason. `RATE_LIMIT_EXCEEDED` (default; retryable, with RetryInfo),
   * `QUOTA_EXHAUSTED` (the daily quota: terminal, resets at midnight Pacific unless `retryDelaySeconds`) or
   * `MODEL_CAPACITY_EXHAUSTED` (no capacity for the model; no RetryInfo).
   */
  quotaReason?: 'RATE_LIMIT_EXCEEDED' | 'QUOTA_EXHAUSTED' | 'MODEL_CAPACITY_EXHAUSTED';
  /** Google 429s on Code Assist: `RetryInfo.retryDelay` / `quotaResetDelay` in seconds (default 1). */
  retryDelaySeconds?: number;
  /** Answer text (default "Hello from the fake upstream."). */
  text?: string;
  /**
   * Number of text deltas (default 3); also the pieces each tool call's arguments, a `thoughtText` and a `replay`
   * body are streamed in.
   */
  chunks?: number;
  usage?: Partial<Usage>;
  /** gzip the response body regardless of accept-encoding. */
  gzip?: boolean;
  /** Send exactly this JSON body with `status` (default 200). */
  json?: unknown;
  /**
   * Replay recorded bytes: in place of the success answer, send exactly this body (any route; status 200, or a
   * non-error `status`), written in `chunks` pieces (default 3, split by bytes, so a piece may end mid-event or
   * mid-character) with `eventDelayMs` between them. Headers: the route's usual ones (request id, rate limits)
   * with `content-type: text/event-stream` unless `headers` says otherwise. Refusals (auth, bad body) and an error
   * `status` still answer as usual. Also honoured: `delayFirstByteMs`, `delayFirstEventMs`, `dropConnection`,
   * `gzip`, and `stallAfterEvents` / `cutAfterEvents` counted in pieces. `sentBody` records the bytes sent;
   * `reportedUsage` stays unset. Takes the place of `json` and `garbage`.
   */
  replay?: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Path + query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Parsed JSON body, or undefined when empty / not JSON. */
  json: unknown;
  receivedAt: number;
  /** The client went away before the response finished. */
  aborted: boolean;
  /** The response finished normally. */
  completed: boolean;
  /** The last usage object the fake sent for this request (provider-native shape). */
  reportedUsage?: unknown;
  /**
   * The response body bytes the fake has written so far, before any gzip (stream frames, the error frame, a
   * cut JSON body's first half): what a pass-through relay must hand its client unchanged. Set by the fake
   * upstream's server (the fake Bedrock, which shares this record, leaves it out).
   */
  readonly sentBody?: Buffer;
}

export interface FakeUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  enqueue(...scenarios: Scenario[]): void;
  setDefault(scenario: Scenario): void;
  reset(): void;
  waitForRequests(count: number): Promise<void>;
  waitForIdle(): Promise<void>;
  close(): Promise<void>;
  /** The Code Assist account (`/v1internal:*`): project, onboarding state, call counters, set-up scenarios. */
  readonly codeAssist: FakeCodeAssist;
}
