// Public types of the fake Bedrock runtime: credentials, scenarios, recorded calls and the server handle.
import type { RecordedRequest, Scenario } from '../fake-upstream/types.js';

export interface FakeBedrockCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials: requests must carry this `x-amz-security-token` (signed). */
  sessionToken?: string;
  /** Answer 403 ExpiredTokenException to requests signed with this key. */
  expired?: boolean;
}

export interface StartFakeBedrockOptions {
  /** Region requests must be signed for (default `FAKE_BEDROCK_REGION`). */
  region?: string;
  /** Accepted SigV4 keys (default `[FAKE_BEDROCK_CREDENTIAL]`). */
  credentials?: FakeBedrockCredential[];
  /** Accepted Bedrock API keys (`authorization: Bearer …`; default `[FAKE_BEDROCK_BEARER_TOKEN]`). */
  bearerTokens?: string[];
}

/**
 * What the next answer does. The content knobs (`text`, `chunks`, `usage`) and the timing and failure knobs
 * (`delayFirstByteMs`, `eventDelayMs`, `stallAfterEvents`, `cutAfterEvents`, `errorEventAfterEvents`) mean
 * what they mean for the fake Anthropic upstream, so one scenario drives both fakes alike. Differences:
 * - `status` >= 400 answers a Bedrock error: `exception` (default by status: 429 ThrottlingException, 503
 *   ServiceUnavailableException, 400 ValidationException…) in `x-amzn-errortype`, `{"message": …}` body.
 * - `errorEventAfterEvents` sends an exception frame (`exception`, default modelStreamErrorException).
 * - `cutAfterEvents` also sends half of the next frame before cutting, unless `cutMidFrame` is false.
 */
export type BedrockScenario = Pick<
  Scenario,
  | 'status'
  | 'headers'
  | 'delayFirstByteMs'
  | 'eventDelayMs'
  | 'stallAfterEvents'
  | 'cutAfterEvents'
  | 'errorEventAfterEvents'
  | 'text'
  | 'chunks'
  | 'usage'
> & {
  exception?: string;
  exceptionMessage?: string;
  cutMidFrame?: boolean;
};

export type BedrockOperation = 'invoke' | 'invoke-with-response-stream';

export type BedrockCallAuth =
  | { kind: 'sigv4'; accessKeyId: string; signedHeaders: string[] }
  | { kind: 'bearer'; token: string };

export interface BedrockCall extends RecordedRequest {
  /** Decoded model id from the path, when the path is an invoke path. */
  modelId: string | undefined;
  operation: BedrockOperation | undefined;
  /** The credential that authenticated the call (undefined when authentication failed). */
  auth: BedrockCallAuth | undefined;
  /** Set when the fake refused the call before applying the scenario (auth, validation, routing). */
  rejected: { status: number; exception: string; message: string } | undefined;
}

export interface FakeBedrock {
  /** `http://127.0.0.1:<port>`: use as the bedrock-runtime endpoint. */
  url: string;
  port: number;
  region: string;
  calls: BedrockCall[];
  readonly inFlight: number;
  /** Queue answers for the next calls (FIFO); calls beyond the queue use the default. */
  enqueue(...scenarios: BedrockScenario[]): void;
  setDefault(scenario: BedrockScenario): void;
  /** Clears the call log, the queue and the default. */
  reset(): void;
  waitForCalls(count: number): Promise<void>;
  waitForIdle(): Promise<void>;
  close(): Promise<void>;
}
