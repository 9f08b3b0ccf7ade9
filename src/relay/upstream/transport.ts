// The contract between the exchange and what carries its bytes upstream (an undici dispatcher today).
import type { IncomingHttpHeaders } from 'node:http';

export interface UpstreamCall {
  /** `https://api.anthropic.com` */
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** From the request going out to the response headers. */
  firstByteTimeoutMs: number;
  /** Longest silence between two chunks of the response body. */
  idleTimeoutMs: number;
}

/** Lets the receiver steer the response: backpressure and cancellation. */
export interface UpstreamControl {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

/** Callbacks of one call, in order: start, then responseStart, data…, end; or error at any point after start. */
export interface UpstreamReceiver {
  onStart(control: UpstreamControl): void;
  onResponseStart(status: number, headers: IncomingHttpHeaders): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
  onError(error: Error): void;
}

export interface UpstreamTransport {
  send(call: UpstreamCall, receiver: UpstreamReceiver): void;
  close(): Promise<void>;
}
