// Upstream calls through an undici dispatcher: used for accounts behind an HTTP or SOCKS5 proxy.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { UpstreamCall, UpstreamReceiver, UpstreamTransport } from './transport.js';

export class UndiciTransport implements UpstreamTransport {
  constructor(private readonly dispatcher: Dispatcher) {}

  send(call: UpstreamCall, receiver: UpstreamReceiver): void {
    // undici may start a request again on a new connection (a reused keep-alive socket that was closed
    // under it): each start brings a new controller, and pause/abort must reach the current one.
    let current: Dispatcher.DispatchController | undefined;
    let abortedWith: Error | undefined;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (controller) => {
        const first = current === undefined;
        current = controller;
        if (abortedWith) {
          controller.abort(abortedWith);
          return;
        }
        if (!first) return;
        receiver.onStart({
          pause: () => current?.pause(),
          resume: () => current?.resume(),
          abort: (reason) => {
            abortedWith = reason;
            current?.abort(reason);
          },
        });
      },
      onResponseStart: (_controller, status: number, headers: IncomingHttpHeaders) =>
        receiver.onResponseStart(status, headers),
      onResponseData: (_controller, chunk: Buffer) => receiver.onData(chunk),
      onResponseEnd: () => receiver.onEnd(),
      onResponseError: (_controller, error: Error) => receiver.onError(error),
    };
    this.dispatcher.dispatch(
      {
        origin: call.origin,
        path: call.path,
        method: call.method,
        headers: call.headers,
        body: call.body ?? null,
        headersTimeout: call.firstByteTimeoutMs,
        bodyTimeout: call.idleTimeoutMs,
      },
      handler,
    );
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
