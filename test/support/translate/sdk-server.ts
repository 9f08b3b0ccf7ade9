// The loopback server the translator tests point an official SDK at: it listens on port 0, answers every
// request with the bytes the test last set (a translator's encoded answer or stream) and records each request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface SdkReply {
  contentType: string;
  body: string;
}

export interface SdkRequest {
  /** The path and query the SDK asked for. */
  url: string;
  /** The request body, parsed when it is JSON; undefined when empty. */
  body: unknown;
}

export interface SdkServer {
  /** `http://127.0.0.1:<port>`, known once the enclosing suite's `beforeAll` hooks have run. */
  readonly url: string;
  /** Every request served so far, oldest first. */
  readonly requests: readonly SdkRequest[];
  /** Sets what every following request is answered with, as a 200. */
  reply(next: SdkReply): void;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts the server before the enclosing suite (or file) and closes it after. Hooks declared after this call
 * run after the server listens, so they can build the SDK client from `url`.
 */
export function useSdkServer(): SdkServer {
  let server: Server | undefined;
  let url = '';
  let reply: SdkReply = { contentType: 'application/json', body: '{}' };
  const requests: SdkRequest[] = [];

  beforeAll(async () => {
    const listening = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ url: request.url ?? '', body: parseBody(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(200, { 'content-type': reply.contentType });
        response.end(reply.body);
      });
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    const listening = server;
    if (listening) await new Promise<void>((resolve) => listening.close(() => resolve()));
  });

  return {
    get url() {
      return url;
    },
    requests,
    reply(next) {
      reply = next;
    },
  };
}
