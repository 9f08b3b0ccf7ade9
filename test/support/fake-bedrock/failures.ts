// Bedrock's error answers: status, exception name (x-amzn-errortype) and `{"message": …}` body.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export interface BedrockFailure {
  status: number;
  exception: string;
  message: string;
}

const BY_STATUS: Record<number, readonly [string, string]> = {
  400: ['ValidationException', 'Malformed input request, please reformat your input and try again.'],
  403: ['AccessDeniedException', "You don't have access to the model with the specified model ID."],
  404: [
    'ResourceNotFoundException',
    'Could not resolve the foundation model from the provided model identifier.',
  ],
  408: ['ModelTimeoutException', 'Model has timed out in processing the request. Try your request again.'],
  424: [
    'ModelErrorException',
    'The system encountered an unexpected error during processing. Try your request again.',
  ],
  429: ['ThrottlingException', 'Too many requests, please wait before trying again.'],
  500: [
    'InternalServerException',
    'The system encountered an unexpected error during processing. Try your request again.',
  ],
  503: ['ServiceUnavailableException', 'Bedrock is unable to process your request.'],
};

/** The failure Bedrock sends for a status, with the scenario's exception name / message when given. */
export function bedrockFailure(status: number, exception?: string, message?: string): BedrockFailure {
  const [defaultException, defaultMessage] = BY_STATUS[status] ??
    BY_STATUS[500] ?? ['InternalServerException', ''];
  return { status, exception: exception ?? defaultException, message: message ?? defaultMessage };
}

/** Auth errors come from the AWS front door, the rest from the Bedrock service itself. */
const FRONT_DOOR = new Set([
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
]);

export function writeBedrockFailure(
  res: ServerResponse,
  failure: BedrockFailure,
  extraHeaders: Record<string, string> = {},
): void {
  const namespace = FRONT_DOOR.has(failure.exception) ? 'com.amazon.coral.service' : 'com.amazon.bedrock';
  const body = JSON.stringify({ message: failure.message });
  res.writeHead(failure.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-requestid': randomUUID(),
    'x-amzn-errortype': `${failure.exception}:http://internal.amazon.com/coral/${namespace}/`,
    ...extraHeaders,
  });
  res.end(body);
}
