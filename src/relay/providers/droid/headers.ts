// The headers of a call to Factory's LLM gateway, as the Droid CLI sends them there: its bearer credential, its
// client marker, the vendor Factory should route the request to, and the client's own description of itself.
// Facts from the old relay (Wei-Shaw/claude-relay-service src/services/relay/droidRelayService.js `_buildHeaders`).
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { assertNever } from '../../../lib/assert-never.js';
import { upstreamAcceptEncoding } from '../../upstream/encoding.js';
import { forwardedHeaders, headerText } from '../../upstream/forwarded-headers.js';
import type { DroidFormat } from './endpoints.js';

/** Sent to Factory when the client is not the Droid CLI itself (which sends `factory-cli/<version>`). */
export const DROID_USER_AGENT = 'factory-cli/0.32.1';

/** Anthropic's API version, which Factory's Anthropic endpoint passes on; clients that omit it get this one. */
const ANTHROPIC_VERSION = '2023-06-01';

/**
 * Client headers that carry meaning at Factory: Droid's session and message ids and version, Anthropic's version
 * and beta flags, the SDKs' self-description. Never the client's `authorization` or `x-api-key` (the relay key).
 */
const FORWARDED = [
  'content-type',
  'accept',
  'anthropic-version',
  'anthropic-beta',
  'x-session-id',
  'x-assistant-message-id',
  'x-client-version',
] as const;
const FORWARDED_PREFIXES = ['x-stainless-'] as const;

/**
 * Which vendor Factory routes a Chat Completions request to (`x-api-provider`), by the model's name; models of no
 * listed family go to Baseten, as Droid sends them.
 */
const CHAT_VENDORS: ReadonlyArray<readonly [prefix: string, vendor: string]> = [
  ['claude', 'anthropic'],
  ['gpt', 'azure_openai'],
  ['gemini', 'google'],
  ['glm', 'fireworks'],
];

export interface DroidHeaderInput {
  format: DroidFormat;
  model: string | undefined;
  stream: boolean;
  credential: string;
}

export function droidUpstreamHeaders(
  clientHeaders: IncomingHttpHeaders,
  input: DroidHeaderInput,
): Record<string, string> {
  const headers = forwardedHeaders(clientHeaders, FORWARDED, FORWARDED_PREFIXES);
  headers['content-type'] ??= 'application/json';
  // Streams are asked for uncompressed: the tap reads every byte and SSE compresses poorly in small chunks.
  headers['accept-encoding'] = input.stream
    ? 'identity'
    : upstreamAcceptEncoding(headerText(clientHeaders['accept-encoding']));
  const agent = headerText(clientHeaders['user-agent']);
  headers['user-agent'] = agent?.toLowerCase().startsWith('factory-cli/') ? agent : DROID_USER_AGENT;
  headers.authorization = `Bearer ${input.credential}`;
  headers['x-factory-client'] = 'cli';
  headers['x-api-provider'] = vendorOf(input.format, input.model);
  // Droid names its conversation in every call; a client that does not gets one id per request.
  headers['x-session-id'] ??= randomUUID();
  if (input.format === 'anthropic') {
    headers['anthropic-version'] ??= ANTHROPIC_VERSION;
    // Droid's Anthropic client always sends an x-api-key; Factory reads the bearer token, so this one says nothing.
    headers['x-api-key'] = 'placeholder';
  }
  return headers;
}

/** The `x-api-provider` Factory expects for a format and model. */
export function vendorOf(format: DroidFormat, model: string | undefined): string {
  const name = (model ?? '').toLowerCase();
  switch (format) {
    case 'anthropic':
      return 'anthropic';
    case 'openai-responses':
      // Factory serves GPT models from Azure OpenAI, except the `-max` ones, which only OpenAI has.
      return name.includes('-max') ? 'openai' : 'azure_openai';
    case 'openai-chat':
      return CHAT_VENDORS.find(([prefix]) => name.startsWith(prefix))?.[1] ?? 'baseten';
    default:
      return assertNever(format);
  }
}
