// A Claude request for a `bedrock` account: the Anthropic body becomes an InvokeModel call, signed for the
// account's region, and Bedrock's answers (event stream, AWS-shaped errors) are turned back into Anthropic's.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../errors/app-error.js';
import type { AccountRuntime } from '../../../services/accounts/account-types.js';
import type { ResponseTranslation } from '../../exchange/stream-tap.js';
import { upstreamTarget } from '../../upstream/target.js';
import { bedrockHttpError } from './errors.js';
import type { BedrockStreamConverter } from './event-stream.js';
import { bedrockModelId, toBedrockInvoke } from './request.js';
import type { BedrockAuth } from './sign.js';

/**
 * The AWS request signer and event-stream codec (@smithy and @aws-crypto, about 10 MB of memory and 100 ms to
 * load) are imported by the first Bedrock call, not by every relay process: most deployments have no Bedrock
 * account. A response is only ever read after its call was prepared, so the converter is there by then.
 */
let awsParts: Promise<typeof import('./sign.js')> | undefined;
let Converter: typeof BedrockStreamConverter | undefined;
function loadAwsParts(): Promise<typeof import('./sign.js')> {
  awsParts ??= Promise.all([import('./sign.js'), import('./event-stream.js')]).then(([sign, events]) => {
    Converter = events.BedrockStreamConverter;
    return sign;
  });
  return awsParts;
}

/**
 * Betas Bedrock's Claude models accept in `anthropic_beta`; any other (Claude Code sends several, and
 * `oauth-2025-04-20` means nothing there) would make Bedrock refuse the request.
 */
const BEDROCK_BETAS = new Set([
  'computer-use-2024-10-22',
  'computer-use-2025-01-24',
  'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'output-128k-2025-02-19',
  'dev-full-thinking-2025-05-14',
  'context-1m-2025-08-07',
  'context-management-2025-06-27',
  'effort-2025-11-24',
  'tool-search-tool-2025-10-19',
  'tool-examples-2025-10-29',
]);

export interface BedrockCall {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export async function bedrockCall(
  runtime: AccountRuntime,
  clientHeaders: IncomingHttpHeaders,
  body: Buffer,
  options: { model: string; stream: boolean },
): Promise<BedrockCall> {
  const { account } = runtime;
  const invoke = toBedrockInvoke(body, {
    modelId: bedrockModelId(options.model),
    stream: options.stream,
    betas: clientBetas(clientHeaders['anthropic-beta']),
  });
  const target = upstreamTarget(account);
  const path = `${target.basePath}${invoke.path}`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: options.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
  };
  const { bedrockAuthHeaders } = await loadAwsParts();
  const signed = await bedrockAuthHeaders(
    { method: 'POST', url: new URL(`${target.origin}${path}`), headers, body: invoke.body },
    bedrockAuth(runtime),
  );
  return { origin: target.origin, path, headers: { ...headers, ...signed }, body: invoke.body };
}

function clientBetas(value: string | string[] | undefined): string[] {
  const flags = (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',');
  return flags.map((flag) => flag.trim()).filter((flag) => BEDROCK_BETAS.has(flag));
}

function bedrockAuth(runtime: AccountRuntime): BedrockAuth {
  const region = runtime.account.region;
  const { secrets } = runtime;
  if (!region) throw new AppError('internal', `Bedrock account ${runtime.account.id} has no region`);
  if (secrets.apiKey) return { region, bearerToken: secrets.apiKey };
  if (!secrets.awsAccessKeyId || !secrets.awsSecretAccessKey) {
    throw new AppError('internal', `Bedrock account ${runtime.account.id} has no AWS credentials`);
  }
  return {
    region,
    accessKeyId: secrets.awsAccessKeyId,
    secretAccessKey: secrets.awsSecretAccessKey,
    ...(secrets.awsSessionToken ? { sessionToken: secrets.awsSessionToken } : {}),
  };
}

/** How the pass-through reads Bedrock's answers. */
export const bedrockTranslation: ResponseTranslation = {
  streamContentType: 'application/vnd.amazon.eventstream',
  createStreamConverter: () => {
    if (!Converter) throw new AppError('internal', 'a Bedrock stream was read before its call was prepared');
    return new Converter();
  },
  httpError(status, body, headers) {
    const mapped = bedrockHttpError(status, headers, body);
    if (mapped.type === 'authentication_error') {
      // The account's AWS credential was refused, not the client's relay key: not the client's 401.
      return new AppError('upstream_error', `The upstream account was rejected: ${mapped.message}`, {
        httpStatus: 502,
        details: { upstreamStatus: status, exception: mapped.exception },
      });
    }
    const retryAfter = Number(headers['retry-after']);
    return new AppError('upstream_error', mapped.message, {
      httpStatus: mapped.status,
      retryable: mapped.retryable,
      clientType: mapped.type,
      details: { upstreamStatus: status, exception: mapped.exception },
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
  },
};
