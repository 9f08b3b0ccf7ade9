// Raw TCP clients for tests of connection handling: exactly what is sent, what the server answers, and when
// the server closes the socket.
import { connect, type Socket } from 'node:net';

export interface RawHttpResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  readonly socket: Socket;
  /** Resolves once the TCP connection is established. */
  readonly opened: Promise<void>;
  /** Resolves when the socket is closed, whoever closed it. */
  readonly closed: Promise<void>;
  /** True once `closed` has resolved. */
  readonly isClosed: boolean;
  /** Bytes received so far that no `nextResponse()` has taken yet. */
  readonly pending: string;
  write(data: string | Buffer): void;
  /** The next complete HTTP/1.1 response (content-length, chunked, or ended by the close). */
  nextResponse(): Promise<RawHttpResponse>;
  destroy(): void;
}

export function openRawConnection(url: string): RawConnection {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let buffer = Buffer.alloc(0);
  let isClosed = false;
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    wake();
  });
  // A reset by the server is one way of closing; the tests look at `closed`, not at the error.
  socket.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
  opened.catch(() => {});
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      isClosed = true;
      wake();
      resolve();
    });
  });

  const nextResponse = async (): Promise<RawHttpResponse> => {
    for (;;) {
      const parsed = parseResponse(buffer, isClosed);
      if (parsed) {
        buffer = buffer.subarray(parsed.length);
        return parsed.response;
      }
      if (isClosed)
        throw new Error(`connection closed before a whole response: ${JSON.stringify(String(buffer))}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  return {
    socket,
    opened,
    closed,
    get isClosed() {
      return isClosed;
    },
    get pending() {
      return buffer.toString('utf8');
    },
    write: (data) => {
      socket.write(data);
    },
    nextResponse,
    destroy: () => socket.destroy(),
  };
}

/** Rejects with a message naming `what` when `promise` has not settled within `ms` (a bound, not a sleep). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

function parseResponse(
  buffer: Buffer,
  ended: boolean,
): { response: RawHttpResponse; length: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const bodyStart = headEnd + 4;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
    return { response: { status, headers, body: '' }, length: bodyStart };
  }
  const declared = headers['content-length'];
  if (declared !== undefined) {
    const end = bodyStart + Number(declared);
    if (buffer.length < end) return undefined;
    return { response: { status, headers, body: buffer.toString('utf8', bodyStart, end) }, length: end };
  }
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const chunks: Buffer[] = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = Number.parseInt(buffer.toString('latin1', at, lineEnd), 16);
      const dataEnd = lineEnd + 2 + size;
      if (buffer.length < dataEnd + 2) return undefined;
      if (size === 0) {
        // The last chunk; no trailers are sent by the servers under test.
        return {
          response: { status, headers, body: Buffer.concat(chunks).toString('utf8') },
          length: dataEnd + 2,
        };
      }
      chunks.push(buffer.subarray(lineEnd + 2, dataEnd));
      at = dataEnd + 2;
    }
  }
  if (!ended) return undefined;
  return { response: { status, headers, body: buffer.toString('utf8', bodyStart) }, length: buffer.length };
}
