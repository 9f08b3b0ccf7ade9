// The V8 heap of every relay worker, from the relay's own Prometheus endpoint (`GET /metrics`, scrape token).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { processTree } from './process-tree.js';

const HEAP_USED = 'llm_relay_nodejs_heap_size_used_bytes';
const HEAP_TOTAL = 'llm_relay_nodejs_heap_size_total_bytes';
const MB = 1024 * 1024;

export interface WorkerHeap {
  pid: number;
  heapUsedMb: number;
  heapTotalMb: number;
}

export interface WorkerScraper {
  /** One scrape of each worker; a worker whose connection could not be re-established is missing. */
  scrape(): Promise<WorkerHeap[]>;
  close(): void;
}

/** A keep-alive connection known to end in one worker. */
interface Pin {
  agent: http.Agent;
  clientPort: number;
}

/**
 * In a cluster a scrape is answered by whichever worker the primary hands the connection to, and nothing in
 * the exposition says which (the workers even share a start second). So each worker gets a keep-alive
 * connection of its own: new connections are opened until every worker holds one, each traced to its worker
 * in /proc (the worker holding the server end of it), and then reused. Tracing reads /proc/net/tcp, which
 * costs tens of milliseconds on a busy host, so it runs again only when a connection had to be reopened.
 */
export function workerScraper(relayUrl: string, relayPid: number, token: string): WorkerScraper {
  const relay = new URL(relayUrl);
  const pins = new Map<number, Pin>();
  const workers = () => {
    const tree = processTree(relayPid);
    // A cluster primary serves no requests itself; a relay without workers serves them all.
    return tree.length > 1 ? tree.slice(1) : tree;
  };
  const drop = (pid: number) => {
    pins.get(pid)?.agent.destroy();
    pins.delete(pid);
  };

  return {
    async scrape() {
      const current = workers();
      for (const pid of pins.keys()) if (!current.includes(pid)) drop(pid);
      const heaps: WorkerHeap[] = [];
      for (const [pid, pin] of pins) {
        const answer = await get(relay, token, pin.agent).catch(() => undefined);
        // A reopened connection may have landed on another worker: it no longer tells this one's heap.
        if (
          !answer ||
          (answer.clientPort !== pin.clientPort && ownerOf(relay, answer.clientPort, current) !== pid)
        ) {
          drop(pid);
          continue;
        }
        pin.clientPort = answer.clientPort;
        heaps.push(heapOf(pid, answer.families));
      }
      for (let attempt = 0; attempt < 4 * current.length && pins.size < current.length; attempt += 1) {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const answer = await get(relay, token, agent);
        const owner = ownerOf(relay, answer.clientPort, current);
        if (owner === undefined || pins.has(owner)) {
          agent.destroy();
          continue;
        }
        pins.set(owner, { agent, clientPort: answer.clientPort });
        heaps.push(heapOf(owner, answer.families));
      }
      return heaps.sort((a, b) => a.pid - b.pid);
    },
    close() {
      for (const pid of [...pins.keys()]) drop(pid);
    },
  };
}

function heapOf(pid: number, families: PrometheusFamily[]): WorkerHeap {
  return { pid, heapUsedMb: gauge(families, HEAP_USED) / MB, heapTotalMb: gauge(families, HEAP_TOTAL) / MB };
}

function gauge(families: PrometheusFamily[], name: string): number {
  const value = Number(families.find((family) => family.name === name)?.metrics[0]?.value);
  // The relay answers /metrics with its dashboard page when no METRICS_TOKEN is set: say so, not NaN.
  if (!Number.isFinite(value)) throw new Error(`the relay's /metrics has no ${name}: is METRICS_TOKEN set?`);
  return value;
}

/** One scrape through `agent`; resolves once the body is in, with the connection still open. */
function get(
  relay: URL,
  token: string,
  agent: http.Agent,
): Promise<{ families: PrometheusFamily[]; clientPort: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      new URL('/metrics', relay),
      { agent, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 },
      (response) => {
        const clientPort = response.socket.localPort ?? 0;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200)
            reject(new Error(`metrics scrape answered ${response.statusCode}: ${text.slice(0, 200)}`));
          else resolve({ families: parsePrometheusTextFormat(text), clientPort });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('metrics scrape timed out')));
    request.on('error', reject);
  });
}

/** The process among `pids` holding the relay's end of the loopback connection from `clientPort`. */
function ownerOf(relay: URL, clientPort: number, pids: readonly number[]): number | undefined {
  const inode = serverSocketInode(Number(relay.port), clientPort);
  if (inode === undefined) return undefined;
  const link = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return pid;
      } catch {
        // Closed while we looked.
      }
    }
  }
  return undefined;
}

/** The inode of the socket whose local port is the relay's and whose peer port is ours (/proc/net/tcp*). */
function serverSocketInode(serverPort: number, clientPort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // Columns: sl, local address:port, remote address:port, state, …, inode (the tenth); ports in hex.
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const inode = columns[9];
      if (portOf(columns[1]) === serverPort && portOf(columns[2]) === clientPort && inode && inode !== '0')
        return inode;
    }
  }
  return undefined;
}

function portOf(address: string | undefined): number | undefined {
  return address === undefined ? undefined : Number.parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
}
