// The fake Bedrock runtime on 127.0.0.1: SigV4 / API-key auth, InvokeModel body checks, scenario answers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Exchange } from '../fake-upstream/exchange.js';
import { Recorder } from '../fake-upstream/recorder.js';
import { resolveUsage, ScenarioQueue } from '../fake-upstream/scenario.js';
import { anthropicBodyLength, bedrockAnswer, checkBody, isModelIdentifier, modelNameOf } from './answer.js';
import { type BedrockFailure, bedrockFailure, writeBedrockFailure } from './failures.js';
import { sendInvoke, sendStream } from './send.js';
import { type AuthConfig, verifyAuth } from './sigv4.js';
import type {
  BedrockCall,
  BedrockOperation,
  BedrockScenario,
  FakeBedrock,
  FakeBedrockCredential,
  StartFakeBedrockOptions,
} from './types.js';

export const FAKE_BEDROCK_REGION = 'us-east-1';
export const FAKE_BEDROCK_CREDENTIAL: FakeBedrockCredential = Object.freeze({
  accessKeyId: 'AKIAFAKEBEDROCK00001',
  secretAccessKey: 'fake/Bedrock+Secret/Key0000000000000000',
});
export const FAKE_BEDROCK_BEARER_TOKEN = 'ABSKZmFrZS1iZWRyb2NrLWFwaS1rZXk=';

const INVOKE_PATH = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;
const EMPTY_BODY = Buffer.alloc(0);

function noop(): void {}

interface State {
  auth: AuthConfig;
  recorder: Recorder;
  calls: BedrockCall[];
  scenarios: ScenarioQueue;
  closing: boolean;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function target(method: string, path: string): { modelId: string; operation: BedrockOperation } | undefined {
  const match = method === 'POST' ? INVOKE_PATH.exec(path) : null;
  if (match === null) return undefined;
  try {
    return { modelId: decodeURIComponent(match[1] ?? ''), operation: match[2] as BedrockOperation };
  } catch {
    return undefined;
  }
}

function handle(state: State, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const call: BedrockCall = {
    method,
    path,
    query: new URLSearchParams(query === -1 ? '' : url.slice(query + 1)),
    url,
    headers: req.headers,
    body: EMPTY_BODY,
    json: undefined,
    receivedAt: Date.now(),
    aborted: false,
    completed: false,
    modelId: undefined,
    operation: undefined,
    auth: undefined,
    rejected: undefined,
  };
  const ex = new Exchange(req, res, call, {});
  let recorded = false;
  const record = (): void => {
    if (recorded) return;
    recorded = true;
    state.calls.push(call);
    state.recorder.push(call);
  };
  state.recorder.opened();
  req.on('error', noop);
  res.on('error', noop);
  res.on('finish', () => {
    call.completed = true;
  });
  res.on('close', () => {
    ex.markClosed();
    if (!call.completed && !ex.endedByServer && !state.closing) call.aborted = true;
    record(); // the client gave up while still uploading
    state.recorder.finished();
  });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (ex.closed) return;
    call.body = Buffer.concat(chunks);
    call.json = parseJson(call.body);
    const scenario: BedrockScenario = state.scenarios.next();
    ex.scenario = scenario;
    const invoke = target(method, path);
    call.modelId = invoke?.modelId;
    call.operation = invoke?.operation;
    const refusal = refuse(state, call, invoke?.modelId);
    record();
    if (refusal !== undefined) {
      call.rejected = refusal;
      writeBedrockFailure(res, refusal);
      return;
    }
    void answer(ex, scenario, invoke?.modelId ?? '', invoke?.operation === 'invoke-with-response-stream');
  });
}

/** Auth first (AWS's front door), then routing, then the body, as the real service orders them. */
function refuse(state: State, call: BedrockCall, modelId: string | undefined): BedrockFailure | undefined {
  const auth = verifyAuth(call, state.auth);
  if (!('kind' in auth)) return auth;
  call.auth = auth;
  if (modelId === undefined) return bedrockFailure(404, 'UnknownOperationException', 'Unknown operation');
  if (!isModelIdentifier(modelId)) {
    return bedrockFailure(400, 'ValidationException', 'The provided model identifier is invalid.');
  }
  return checkBody(call.json);
}

async function answer(
  ex: Exchange,
  scenario: BedrockScenario,
  modelId: string,
  stream: boolean,
): Promise<void> {
  const startedAt = Date.now();
  const delay = scenario.delayFirstByteMs ?? 0;
  if (delay > 0 && !(await ex.sleep(delay))) return;
  if (ex.closed) return;
  if (scenario.status !== undefined && scenario.status >= 400) {
    const failure = bedrockFailure(scenario.status, scenario.exception, scenario.exceptionMessage);
    writeBedrockFailure(ex.res, failure, scenario.headers);
    return;
  }
  const usage = resolveUsage(scenario, anthropicBodyLength(ex.record.body, modelNameOf(modelId), stream));
  const plan = bedrockAnswer(ex, modelId, stream);
  if (plan.kind === 'json') sendInvoke(ex, scenario, plan, usage, startedAt);
  else await sendStream(ex, scenario, plan, usage, startedAt);
}

/** Starts the fake on 127.0.0.1, port 0. Auth is always on: the defaults are the exported FAKE_BEDROCK_* values. */
export async function startFakeBedrock(options: StartFakeBedrockOptions = {}): Promise<FakeBedrock> {
  const region = options.region ?? FAKE_BEDROCK_REGION;
  const state: State = {
    auth: {
      region,
      credentials: options.credentials ?? [FAKE_BEDROCK_CREDENTIAL],
      bearerTokens: options.bearerTokens ?? [FAKE_BEDROCK_BEARER_TOKEN],
    },
    recorder: new Recorder(),
    calls: [],
    scenarios: new ScenarioQueue(),
    closing: false,
  };
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => handle(state, req, res));
  server.requestTimeout = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    region,
    calls: state.calls,
    get inFlight() {
      return state.recorder.inFlight;
    },
    enqueue: (...scenarios: BedrockScenario[]) => state.scenarios.enqueue(scenarios),
    setDefault: (scenario: BedrockScenario) => state.scenarios.setDefault(scenario),
    reset: () => {
      state.calls.length = 0;
      state.recorder.reset();
      state.scenarios.reset();
    },
    waitForCalls: (count: number) => state.recorder.waitForRequests(count),
    waitForIdle: () => state.recorder.waitForIdle(),
    close: () => {
      if (closed === undefined) {
        state.closing = true;
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
          server.closeAllConnections();
        }).then(() => state.recorder.close());
      }
      return closed;
    },
  };
}
