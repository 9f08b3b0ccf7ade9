// Minimal real proxies for tests: HTTP CONNECT with Basic auth, and SOCKS5 with username/password (RFC 1929).
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Server, type Socket } from 'node:net';

export interface TestProxy {
  url: string;
  port: number;
  /** Targets tunnelled, as host:port, in order. */
  tunnels: string[];
  /** Credentials presented, in order ("user:pass"), or "" when none. */
  credentials: string[];
  close(): Promise<void>;
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function pipeBoth(a: Socket, b: Socket): void {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b).pipe(a);
}

export async function startHttpConnectProxy(expected: {
  username: string;
  password: string;
}): Promise<TestProxy> {
  const tunnels: string[] = [];
  const credentials: string[] = [];
  const server = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  const sockets = track(server);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const auth = String(req.headers['proxy-authorization'] ?? '');
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : '';
    credentials.push(decoded);
    if (decoded !== `${expected.username}:${expected.password}`) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const [host, port] = String(req.url).split(':');
    tunnels.push(String(req.url));
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      pipeBoth(client, upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels,
    credentials,
    close: () => closeServer(server, sockets),
  };
}

export async function startSocks5Proxy(expected: { username: string; password: string }): Promise<TestProxy> {
  const tunnels: string[] = [];
  const credentials: string[] = [];
  const server = createNetServer((client) => {
    client.on('error', () => {});
    client.once('data', (greeting: Buffer) => {
      // Offer only username/password (0x02): a proxy requiring auth must not accept "no auth".
      if (greeting[0] !== 5 || !greeting.subarray(2).includes(2)) {
        client.end(Buffer.from([5, 0xff]));
        return;
      }
      client.write(Buffer.from([5, 2]));
      client.once('data', (auth: Buffer) => {
        const userLength = auth[1] ?? 0;
        const username = auth.subarray(2, 2 + userLength).toString();
        const passLength = auth[2 + userLength] ?? 0;
        const password = auth.subarray(3 + userLength, 3 + userLength + passLength).toString();
        credentials.push(`${username}:${password}`);
        if (username !== expected.username || password !== expected.password) {
          client.end(Buffer.from([1, 1]));
          return;
        }
        client.write(Buffer.from([1, 0]));
        client.once('data', (request: Buffer) => {
          const { host, port } = readSocksTarget(request);
          tunnels.push(`${host}:${port}`);
          const upstream = connect(port, host, () => {
            client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
            pipeBoth(client, upstream);
          });
          upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
        });
      });
    });
  });
  const sockets = track(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `socks5://127.0.0.1:${port}`,
    port,
    tunnels,
    credentials,
    close: () => closeServer(server, sockets),
  };
}

function readSocksTarget(request: Buffer): { host: string; port: number } {
  const type = request[3];
  if (type === 1) {
    return { host: [...request.subarray(4, 8)].join('.'), port: request.readUInt16BE(8) };
  }
  if (type === 3) {
    const length = request[4] ?? 0;
    return { host: request.subarray(5, 5 + length).toString(), port: request.readUInt16BE(5 + length) };
  }
  throw new Error('IPv6 targets are not used in tests');
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
