// Maps Bedrock's error answers (HTTP errors and in-stream exceptions) to Anthropic error types and statuses.

export interface BedrockErrorMapping {
  /** Status to show the client. */
  status: number;
  /** Anthropic `error.type`. */
  type: string;
  /** Another account (or a later attempt) may succeed. */
  retryable: boolean;
}

export interface BedrockHttpError extends BedrockErrorMapping {
  /** Bedrock's own message, kept as is. */
  message: string;
  /** The status Bedrock answered (auth errors are 403 there but 401 here). */
  upstreamStatus: number;
  /** Bedrock's exception name (`ThrottlingException`), when it sent one. */
  exception: string | undefined;
}

const RATE_LIMIT: BedrockErrorMapping = { status: 429, type: 'rate_limit_error', retryable: true };
const OVERLOADED: BedrockErrorMapping = { status: 529, type: 'overloaded_error', retryable: true };
const AUTHENTICATION: BedrockErrorMapping = { status: 401, type: 'authentication_error', retryable: false };

/** Keyed by lower-cased exception name: HTTP errors say `ThrottlingException`, stream frames `throttlingException`. */
const EXCEPTIONS: ReadonlyMap<string, BedrockErrorMapping> = new Map([
  ['throttlingexception', RATE_LIMIT],
  // A quota of this account, not of the client: another account may have room.
  ['servicequotaexceededexception', RATE_LIMIT],
  ['serviceunavailableexception', OVERLOADED],
  // Bedrock answers 429 while a model scales up; for clients that is Anthropic's "overloaded".
  ['modelnotreadyexception', OVERLOADED],
  ['accessdeniedexception', { status: 403, type: 'permission_error', retryable: false }],
  ['unrecognizedclientexception', AUTHENTICATION],
  ['invalidsignatureexception', AUTHENTICATION],
  ['incompletesignatureexception', AUTHENTICATION],
  ['expiredtokenexception', AUTHENTICATION],
  ['missingauthenticationtokenexception', AUTHENTICATION],
  ['validationexception', { status: 400, type: 'invalid_request_error', retryable: false }],
  ['resourcenotfoundexception', { status: 404, type: 'not_found_error', retryable: false }],
  // Bedrock says 408, but the client did nothing late: the model behind the gateway timed out, hence 504.
  ['modeltimeoutexception', { status: 504, type: 'api_error', retryable: true }],
  // 424 upstream: the model failed, the relay is the gateway that reports it.
  ['modelerrorexception', { status: 502, type: 'api_error', retryable: true }],
  ['modelstreamerrorexception', { status: 502, type: 'api_error', retryable: true }],
  ['internalserverexception', { status: 500, type: 'api_error', retryable: true }],
]);

/** Mapping of an exception name, else of the upstream status. */
export function bedrockErrorMapping(
  exception: string | undefined,
  upstreamStatus: number,
): BedrockErrorMapping {
  const known = exception === undefined ? undefined : EXCEPTIONS.get(exception.toLowerCase());
  if (known !== undefined) return known;
  if (upstreamStatus === 429) return RATE_LIMIT;
  if (upstreamStatus === 503) return OVERLOADED;
  if (upstreamStatus >= 500) return { status: 502, type: 'api_error', retryable: true };
  switch (upstreamStatus) {
    case 401:
      return AUTHENTICATION;
    case 403:
      return { status: 403, type: 'permission_error', retryable: false };
    case 404:
      return { status: 404, type: 'not_found_error', retryable: false };
    case 413:
      return { status: 413, type: 'request_too_large', retryable: false };
    default:
      return {
        status: upstreamStatus >= 400 ? upstreamStatus : 502,
        type: 'invalid_request_error',
        retryable: false,
      };
  }
}

/** The client-facing error for a non-2xx Bedrock answer. */
export function bedrockHttpError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): BedrockHttpError {
  const parsed = readBody(body);
  const exception = exceptionName(headers['x-amzn-errortype']) ?? parsed.exception;
  const mapping = bedrockErrorMapping(exception, status);
  const message = parsed.message ?? (exception === undefined ? `Bedrock answered ${status}` : exception);
  return { ...mapping, message, upstreamStatus: status, exception };
}

/** `ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/` → `ThrottlingException`. */
function exceptionName(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const name = value.split(':', 1)[0]?.trim();
  return name === undefined || name === '' ? undefined : name;
}

/** `{"message":…}` or `{"Message":…}`, and the JSON protocols' `__type` (`com.amazon…#ThrottlingException`). */
function readBody(body: Buffer): { message: string | undefined; exception: string | undefined } {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const fields = parsed as Record<string, unknown>;
      const message = fields.message ?? fields.Message;
      const type = fields.__type;
      return {
        message: typeof message === 'string' ? message : undefined,
        exception:
          typeof type === 'string' ? exceptionName(type.slice(type.lastIndexOf('#') + 1)) : undefined,
      };
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall back to the text.
  }
  const text = body.toString('utf8').trim().slice(0, 500);
  return { message: text === '' ? undefined : text, exception: undefined };
}
