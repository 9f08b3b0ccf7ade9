// Per-request state shared by the router, the provider handlers and the response writer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest, Scenario, StartFakeUpstreamOptions } from './types.js';

const NO_SCENARIO: Scenario = Object.freeze({});

export class Exchange {
  scenario: Scenario = NO_SCENARIO;
  /** The response is over (finished, aborted by the client, or cut by us). */
  closed = false;
  /** We ended the connection on purpose (cut, close()): not a client abort. */
  endedByServer = false;
  /** The body was non-empty but not valid JSON. */
  invalidJson = false;
  /** Response body pieces written so far, before any gzip (read through `record.sentBody`). */
  readonly sent: Array<string | Buffer> = [];
  private timer: NodeJS.Timeout | undefined;
  private wake: ((open: boolean) => void) | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly record: RecordedRequest,
    readonly options: StartFakeUpstreamOptions,
  ) {}

  /** The parsed body when it is a JSON object. */
  get body(): Record<string, unknown> | undefined {
    const json = this.record.json;
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  }

  /** Resolves true after `ms`, or false as soon as the response is closed. */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wake = undefined;
        resolve(!this.closed);
      }, ms);
    });
  }

  /** Called once when the response closes for whatever reason. */
  markClosed(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.(false);
  }

  /** Ends the connection mid-response: already written bytes are flushed, then the socket closes. */
  cut(): void {
    this.endedByServer = true;
    const socket = this.res.socket;
    if (socket === null || socket.destroyed) return;
    socket.end();
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  }
}
