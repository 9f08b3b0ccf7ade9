// One upstream call read whole, through an account's transport (its proxy included), bounded: for calls whose
// answer the relay reads itself rather than relays — connection tests, and what a provider must ask its vendor
// before the call it builds (Code Assist's project).
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import type { UpstreamCall, UpstreamTransport } from './transport.js';

export interface CompleteAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The default bound: these are small JSON answers. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export function completeCall(
  transport: UpstreamTransport,
  call: UpstreamCall,
  maxBytes = MAX_ANSWER_BYTES,
): Promise<CompleteAnswer> {
  return new Promise((resolve, reject) => {
    let answer: Omit<CompleteAnswer, 'body'> | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let abort: ((reason: Error) => void) | undefined;
    transport.send(call, {
      onStart: (control) => {
        abort = (reason) => control.abort(reason);
      },
      onResponseStart: (status, headers) => {
        answer = { status, headers };
      },
      onData: (chunk) => {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
        else abort?.(new AppError('upstream_error', `The upstream answer exceeded ${maxBytes} bytes`));
      },
      onEnd: () => {
        if (answer) resolve({ ...answer, body: Buffer.concat(chunks) });
        else reject(new AppError('upstream_error', 'The upstream ended without answering'));
      },
      onError: reject,
    });
  });
}
