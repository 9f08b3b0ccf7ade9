// One small upstream call read whole, through an account's transport (its proxy included): for the questions a
// provider must ask its vendor before the call it builds (Code Assist's project), not for relayed answers.
import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamCall, UpstreamTransport } from './transport.js';

export interface CompleteAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The largest answer such a call may have: these are setup calls with small JSON answers. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export function completeCall(transport: UpstreamTransport, call: UpstreamCall): Promise<CompleteAnswer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let abort: ((reason: Error) => void) | undefined;
    transport.send(call, {
      onStart: (control) => {
        abort = (reason) => control.abort(reason);
      },
      onResponseStart: (answered, answerHeaders) => {
        status = answered;
        headers = answerHeaders;
      },
      onData: (chunk) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES)
          abort?.(new Error(`The upstream answer exceeded ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      },
      onEnd: () => resolve({ status, headers, body: Buffer.concat(chunks, size) }),
      onError: reject,
    });
  });
}
