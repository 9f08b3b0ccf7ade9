// Allocation profiling of the relay over the inspector protocol: V8's sampling heap profiler, keeping the
// samples of objects the garbage collector has already freed, so the profile shows every allocation made during
// a run (the churn each request causes), not only what is still alive at the end as `--heap-prof` does.
import { WebSocket } from 'ws';

export interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

export interface AllocationProfiler {
  start(): Promise<void>;
  stop(): Promise<{ head: HeapProfileNode }>;
  close(): void;
}

/** Finds the inspector's WebSocket URL in a process's stderr (`Debugger listening on ws://…`). */
export function inspectorUrl(stderr: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
}

export async function connectAllocationProfiler(url: string): Promise<AllocationProfiler> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    const waiter = message.id === undefined ? undefined : waiting.get(message.id);
    if (!waiter || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('HeapProfiler.enable');
  return {
    async start() {
      await call('HeapProfiler.startSampling', {
        samplingInterval: 16_384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    },
    async stop() {
      const result = (await call('HeapProfiler.stopSampling')) as { profile: { head: HeapProfileNode } };
      return result.profile;
    },
    close: () => socket.close(),
  };
}
