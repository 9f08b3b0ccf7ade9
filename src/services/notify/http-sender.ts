// Sends a rendered HTTP notification with undici: bounded in time and in how much of the answer it reads, and
// turning every outcome (status, vendor refusal, timeout, network error) into a SendResult; it never throws.
import { type Dispatcher, request } from 'undici';
import type { HttpOut } from './renderers/outbound.js';
import type { SendResult } from './send-result.js';

/** Receivers answer with a few bytes; the rest of anything larger is left unread. */
const MAX_ANSWER_BYTES = 16 * 1024;
const USER_AGENT = 'llm-relay-notify/1';

export interface HttpSendOptions {
  timeoutMs: number;
  dispatcher?: Dispatcher;
}

/**
 * 4xx answers mean the request itself is refused (bad payload, revoked webhook) and would be refused again,
 * except the ones that say "later": 408 Request Timeout, 425 Too Early, 429 Too Many Requests.
 */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

export async function sendHttp(out: HttpOut, options: HttpSendOptions): Promise<SendResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(out.url, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, ...out.headers },
      body: out.body,
      signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const status = response.statusCode;
    const answer = await readLimited(response.body);
    if (status >= 200 && status < 300) {
      const refused = out.refusal?.(answer);
      // A vendor's in-body refusal may be a rate limit as well as a bad signature: worth another try.
      return refused === undefined
        ? { ok: true, httpStatus: status }
        : { ok: false, retryable: true, httpStatus: status, message: refused };
    }
    const excerpt = answer.trim().slice(0, 200);
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return {
      ok: false,
      retryable: retryableStatus(status),
      httpStatus: status,
      message: excerpt === '' ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (error) {
    if (signal.aborted) {
      return { ok: false, retryable: true, message: `no answer within ${options.timeoutMs} ms` };
    }
    return { ok: false, retryable: true, message: describeNetworkError(error) };
  }
}

async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= MAX_ANSWER_BYTES) {
      // Stop reading; destroying the body releases the connection instead of draining a large answer.
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9` — the code first, for people scanning a log. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'the request failed';
  const cause: unknown = error.cause;
  const code =
    Reflect.get(error, 'code') ?? (cause instanceof Error ? Reflect.get(cause, 'code') : undefined);
  const message = error.message || (cause instanceof Error ? cause.message : '') || 'the request failed';
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
