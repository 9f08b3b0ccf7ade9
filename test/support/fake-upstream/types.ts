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
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  /**
   * Output tokens spent on reasoning. Providers that report them count them inside the output (OpenAI's
   * `output_tokens` includes `output_tokens_details.reasoning_tokens`), so they are part of `outputTokens`,
   * whose default becomes the answer's words plus these.
   */
  reasoningTokens: number;
}

/** A function call the fake answers with (OpenAI Chat Completions). */
export interface ToolCall {
  name: string;
  /** The arguments JSON text, sent as is (streamed in `chunks` pieces). */
  arguments: string;
  /** Default: a fresh `call_…` id. */
  id?: string;
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
   * OpenAI Chat Completions: answer with these (parallel) function calls instead of text: `message.tool_calls`,
   * or streamed `delta.tool_calls` (index, id, type and name first, then the arguments in `chunks` pieces),
   * finish_reason `tool_calls`.
   */
  toolCalls?: ToolCall[];
  /** Answer text (default "Hello from the fake upstream."). */
  text?: string;
  /** Number of text deltas (default 3). */
  chunks?: number;
  usage?: Partial<Usage>;
  /** gzip the response body regardless of accept-encoding. */
  gzip?: boolean;
  /** Send exactly this JSON body with `status` (default 200). */
  json?: unknown;
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
}
