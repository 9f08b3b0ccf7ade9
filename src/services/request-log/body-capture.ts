// Optional capture of request and response bodies for the request log: off by default, on globally or per
// key, sampled, cut to a size, secrets taken out, kept for a short time of its own.
import type { ChainableCommander } from 'ioredis';
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import type { RedisContext } from '../redis/record-store.js';
import { redactBody, redactText, truncateUtf8 } from './body-redaction.js';

export interface BodyCaptureSettings {
  /** `on`: every key's requests unless the key says `off`; `off`: only keys that say `on`. */
  mode: 'off' | 'on';
  /** The share of eligible requests captured, 0 to 1. */
  sampleRate: number;
  maxBytes: number;
  retentionHours: number;
}

export const BODY_CAPTURE_OFF: BodyCaptureSettings = {
  mode: 'off',
  sampleRate: 1,
  maxBytes: 32_768,
  retentionHours: 24,
};

/** What was captured of one request, as stored and read back. */
export interface CapturedBodies {
  requestId: string;
  /** When it was captured, ms since the epoch. */
  at: number;
  request: string;
  requestTruncated: boolean;
  response: string;
  responseTruncated: boolean;
}

export class BodyCapture {
  constructor(
    private readonly context: RedisContext,
    private readonly settings: BodyCaptureSettings,
    private readonly random: () => number = Math.random,
  ) {}

  get maxBytes(): number {
    return this.settings.maxBytes;
  }

  /** Whether this request's bodies are kept: the key's own setting, else the global one, then the sample. */
  wants(key: Pick<StoredApiKey, 'bodyCapture'>): boolean {
    const mode = key.bodyCapture === 'default' ? this.settings.mode : key.bodyCapture;
    return mode === 'on' && this.settings.sampleRate > 0 && this.random() < this.settings.sampleRate;
  }

  /** The bodies as they are stored: secrets out, each cut to the size limit. */
  prepare(requestId: string, request: Buffer, response: string, responseTruncated: boolean): CapturedBodies {
    const cutRequest = redactBody(request.toString('utf8'), this.settings.maxBytes);
    const cutResponse = truncateUtf8(redactText(response), this.settings.maxBytes);
    return {
      requestId,
      at: Date.now(),
      request: cutRequest.text,
      requestTruncated: cutRequest.truncated,
      response: cutResponse.text,
      responseTruncated: responseTruncated || cutResponse.truncated,
    };
  }

  /** Adds the write to a pipeline (the settle's), with the capture's own expiry. */
  writeInto(pipeline: ChainableCommander, bodies: CapturedBodies): void {
    pipeline.set(
      this.context.keys.requestBody(bodies.requestId),
      JSON.stringify(bodies),
      'PX',
      this.settings.retentionHours * 3_600_000,
    );
  }

  async read(requestId: string): Promise<CapturedBodies | undefined> {
    const raw = await this.context.redis.get(this.context.keys.requestBody(requestId));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as CapturedBodies;
    } catch {
      return undefined;
    }
  }
}
