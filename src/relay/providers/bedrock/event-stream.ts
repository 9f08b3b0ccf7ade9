// Converts Bedrock's invoke-with-response-stream answer (binary AWS event stream) into Anthropic SSE bytes.
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { bedrockErrorMapping } from './errors.js';

export interface BedrockStreamError {
  /** Anthropic `error.type`. */
  type: string;
  message: string;
}

/** Prelude (total length, headers length, prelude CRC) + message CRC. */
const MIN_FRAME_BYTES = 16;
/** The event stream format's own limit on one message. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const METRICS_KEY = 'amazon-bedrock-invocationMetrics';
const EMPTY: Buffer = Buffer.alloc(0);
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * One per streamed call. `push` each body chunk as it arrives and forward what it returns; call `end` once
 * when the body is over. Frames may arrive split across chunks or several to a chunk. After an exception
 * (or an unreadable frame) the converter emits one Anthropic `error` event and ignores the rest.
 */
export class BedrockStreamConverter {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private finished = false;
  private streamError: BedrockStreamError | undefined;
  private metrics: Record<string, unknown> | undefined;

  /** The error the stream ended with (exception frame, malformed or truncated stream), if any. */
  get error(): BedrockStreamError | undefined {
    return this.streamError;
  }

  /** Bedrock's `amazon-bedrock-invocationMetrics` from message_stop (token counts, latencies), if seen. */
  get invocationMetrics(): Readonly<Record<string, unknown>> | undefined {
    return this.metrics;
  }

  /** SSE bytes ready to forward (often empty while a frame is incomplete). */
  push(chunk: Buffer): Buffer {
    if (this.finished || chunk.length === 0) return EMPTY;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      const frame = this.nextFrame();
      if (frame === undefined) break;
      if (frame === 'malformed') {
        out.push(this.fail('api_error', 'Bedrock sent a malformed event stream frame'));
        break;
      }
      const sse = this.onFrame(frame);
      if (sse.length > 0) out.push(sse);
      if (this.finished) break;
    }
    return out.length === 1 && out[0] !== undefined ? out[0] : Buffer.concat(out);
  }

  /** Bytes to forward when the body is over: an error event if it stopped in the middle of a frame. */
  end(): Buffer {
    if (this.finished) return EMPTY;
    if (this.pendingBytes > 0)
      return this.fail('api_error', 'The Bedrock stream ended in the middle of an event');
    this.finished = true;
    return EMPTY;
  }

  /** The next complete frame, undefined if more bytes are needed. Concatenates at most once per frame. */
  private nextFrame(): Buffer | 'malformed' | undefined {
    if (this.pendingBytes < 4) return undefined;
    let first = this.pending[0];
    if (first === undefined) return undefined;
    if (first.length < 4) first = this.merge();
    const total = first.readUInt32BE(0);
    if (total < MIN_FRAME_BYTES || total > MAX_FRAME_BYTES) return 'malformed';
    if (this.pendingBytes < total) return undefined;
    if (first.length < total) first = this.merge();
    const frame = first.subarray(0, total);
    const rest = first.subarray(total);
    if (rest.length > 0) this.pending[0] = rest;
    else this.pending.shift();
    this.pendingBytes -= total;
    return frame;
  }

  private merge(): Buffer {
    const merged = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [merged];
    return merged;
  }

  private onFrame(frame: Buffer): Buffer {
    let message: Message;
    try {
      message = this.codec.decode(frame); // verifies both CRCs
    } catch {
      return this.fail('api_error', 'Bedrock sent a corrupt event stream frame');
    }
    const headers = message.headers;
    switch (stringHeader(headers, ':message-type')) {
      case 'event':
        return stringHeader(headers, ':event-type') === 'chunk' ? this.onChunk(message.body) : EMPTY;
      case 'exception': {
        const name = stringHeader(headers, ':exception-type');
        const detail = messageOf(message.body);
        const { type } = bedrockErrorMapping(name, 500);
        return this.fail(type, detail ?? name ?? 'Bedrock stream exception');
      }
      case 'error': {
        const code = stringHeader(headers, ':error-code');
        const { type } = bedrockErrorMapping(code, 500);
        return this.fail(type, stringHeader(headers, ':error-message') ?? code ?? 'Bedrock stream error');
      }
      default:
        return EMPTY;
    }
  }

  /** A `chunk` payload is `{"bytes":"<base64 of one Anthropic event>"}`. Events are small: parsing is fine. */
  private onChunk(body: Uint8Array): Buffer {
    const payload = parseObject(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    const encoded = payload?.bytes;
    if (typeof encoded !== 'string') return this.fail('api_error', 'Bedrock sent a chunk without bytes');
    let json = Buffer.from(encoded, 'base64');
    const event = parseObject(json.toString('utf8'));
    const type = event?.type;
    if (event === undefined || typeof type !== 'string') {
      return this.fail('api_error', 'Bedrock sent an unreadable stream event');
    }
    if (Object.hasOwn(event, METRICS_KEY)) {
      // Bedrock's own addition to message_stop: clients must see what Anthropic sends.
      const metrics = event[METRICS_KEY];
      if (typeof metrics === 'object' && metrics !== null) this.metrics = metrics as Record<string, unknown>;
      delete event[METRICS_KEY];
      json = Buffer.from(JSON.stringify(event));
    } else if (json.includes(NEWLINE) || json.includes(CARRIAGE_RETURN)) {
      json = Buffer.from(JSON.stringify(event)); // an SSE data line cannot hold a line break
    }
    if (type === 'error') this.streamError = readAnthropicError(event);
    return Buffer.concat([Buffer.from(`event: ${type}\ndata: `), json, Buffer.from('\n\n')]);
  }

  private fail(type: string, message: string): Buffer {
    this.finished = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.streamError = { type, message };
    return Buffer.from(
      `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`,
    );
  }
}

function stringHeader(headers: MessageHeaders, name: string): string | undefined {
  const header = headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(body: Uint8Array): string | undefined {
  const parsed = parseObject(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  const message = parsed?.message ?? parsed?.Message;
  return typeof message === 'string' ? message : undefined;
}

/** An Anthropic `error` event relayed inside a chunk (e.g. overloaded_error mid-stream). */
function readAnthropicError(event: Record<string, unknown>): BedrockStreamError {
  const error = event.error;
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  return {
    type: typeof fields.type === 'string' ? fields.type : 'api_error',
    message: typeof fields.message === 'string' ? fields.message : 'Bedrock stream error',
  };
}
