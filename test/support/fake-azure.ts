// A fake Azure OpenAI resource on 127.0.0.1 for tests: both API styles — the v1 API (`/openai/v1/chat/completions`,
// `/openai/v1/responses`, the deployment named by the body's model, `api-version` optional: preview or latest) and
// the versioned API (`/openai/deployments/{deployment}/chat/completions?api-version=<date>`,
// `/openai/responses?api-version=<date>`). It checks the `api-key` header (or an Entra ID bearer token), the
// api-version and the deployment, and refuses as Azure does: 401 for a bad key, 404 `Resource not found` for a
// missing or unknown api-version, 404 `DeploymentNotFound`. Chat answers carry Azure's content-filter fields; a
// chat stream opens with the `prompt_filter_results` chunk (empty choices) and ends with the usage chunk only when
// `stream_options.include_usage` asks for it. It can be told to answer 429 with Azure's rate-limit headers, or 400
// `content_filter`. Every request is recorded.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAKE_AZURE_KEY = 'azure-fake-key-0123456789abcdef';
export const FAKE_AZURE_TEXT = 'Hello from the fake Azure deployment.';

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const V1_VERSIONS = new Set(['preview', 'latest']);
const MAX_BODY_BYTES = 1024 * 1024;

export interface AzureUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
  reasoningTokens?: number;
}

/** A scripted answer for the next request that reaches a deployment. */
export type AzureScript =
  | {
      kind: 'rate-limit';
      /** `retry-after` in seconds; absent leaves the header out. */
      retryAfterSeconds?: number;
      /** `retry-after-ms`; absent leaves the header out. */
      retryAfterMs?: number;
    }
  | { kind: 'content-filter'; param?: 'prompt' | 'messages' }
  | { kind: 'ok'; usage?: AzureUsage; text?: string; headers?: Record<string, string> };

export interface AzureRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed, when it is a JSON object. */
  json: Record<string, unknown> | undefined;
  /** Which endpoint it reached and the deployment it named, once known. */
  endpoint: 'chat' | 'responses' | undefined;
  deployment: string | undefined;
}

export interface FakeAzureOptions {
  /** The resource's key, sent as `api-key`; default FAKE_AZURE_KEY. */
  apiKey?: string;
  /** An Entra ID token accepted as `Authorization: Bearer`. */
  bearerToken?: string;
  /** Deployment name → the model it runs (as answers name it, e.g. `gpt-4o-2024-11-20`). */
  deployments: Record<string, string>;
}

export interface FakeAzure {
  /** The resource endpoint, as an account's base URL: `http://127.0.0.1:<port>`. */
  url: string;
  requests: AzureRecordedRequest[];
  /** Answers the next requests that reach a deployment with these, in order, before the default. */
  enqueue(...scripts: AzureScript[]): void;
  /** The default answer's usage. */
  usage: AzureUsage;
  /** `x-ratelimit-remaining-{requests,tokens}` on successful answers. */
  remaining: { requests: number; tokens: number };
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE: AzureUsage = { promptTokens: 21, completionTokens: 9 };

/** Azure's verdict when nothing was filtered. */
const SAFE = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: SAFE }];

export const AZURE_CONTENT_FILTER_MESSAGE =
  "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please " +
  'modify your prompt and retry. To learn more about our content filtering policies please read our ' +
  'documentation: https://go.microsoft.com/fwlink/?linkid=2198766';

export const AZURE_CONTENT_FILTER_RESULT = {
  hate: { filtered: false, severity: 'safe' },
  jailbreak: { filtered: false, detected: false },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: true, severity: 'medium' },
};

export async function startFakeAzure(options: FakeAzureOptions): Promise<FakeAzure> {
  const apiKey = options.apiKey ?? FAKE_AZURE_KEY;
  const queue: AzureScript[] = [];
  const sockets = new Set<Socket>();
  const fake: FakeAzure = {
    url: '',
    requests: [],
    enqueue: (...scripts) => {
      queue.push(...scripts);
    },
    usage: { ...DEFAULT_USAGE },
    remaining: { requests: 119, tokens: 119_000 },
    reset() {
      fake.requests.length = 0;
      queue.length = 0;
      fake.usage = { ...DEFAULT_USAGE };
      fake.remaining = { requests: 119, tokens: 119_000 };
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake-azure');
      const record: AzureRecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        json: parseObject(body),
        endpoint: undefined,
        deployment: undefined,
      };
      fake.requests.push(record);
      handle(record, req, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function handle(record: AzureRecordedRequest, req: IncomingMessage, res: ServerResponse): void {
    if (!authorized(req.headers)) {
      sendJson(res, 401, {
        error: {
          code: '401',
          message:
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key ' +
            'for an active subscription and use a correct regional API endpoint for your resource.',
        },
      });
      return;
    }
    const route = routeOf(record);
    if (route === undefined || req.method !== 'POST') {
      sendJson(res, 404, { error: { code: '404', message: 'Resource not found' } });
      return;
    }
    record.endpoint = route.endpoint;
    record.deployment = route.deployment;
    if (route.deployment === undefined) {
      sendJson(res, 400, {
        error: {
          message: "Missing required parameter: 'model'.",
          type: 'invalid_request_error',
          param: 'model',
          code: 'missing_required_parameter',
        },
      });
      return;
    }
    const model = options.deployments[route.deployment];
    if (model === undefined) {
      sendJson(res, 404, {
        error: {
          code: 'DeploymentNotFound',
          message:
            'The API deployment for this resource does not exist. If you created the deployment within the last 5 ' +
            'minutes, please wait a moment and try again.',
        },
      });
      return;
    }
    const script = queue.shift() ?? { kind: 'ok' };
    switch (script.kind) {
      case 'rate-limit':
        rateLimited(res, script);
        return;
      case 'content-filter':
        sendJson(res, 400, {
          error: {
            message: AZURE_CONTENT_FILTER_MESSAGE,
            type: null,
            param: script.param ?? 'prompt',
            code: 'content_filter',
            status: 400,
            innererror: {
              code: 'ResponsibleAIPolicyViolation',
              content_filter_result: AZURE_CONTENT_FILTER_RESULT,
            },
          },
        });
        return;
      case 'ok': {
        const usage = script.usage ?? fake.usage;
        const text = script.text ?? FAKE_AZURE_TEXT;
        const headers = { ...successHeaders(), ...script.headers };
        const json = record.json ?? {};
        if (route.endpoint === 'chat') chatAnswer(res, json, model, usage, text, headers);
        else responsesAnswer(res, json, model, usage, text, headers);
        return;
      }
    }
  }

  function authorized(headers: IncomingHttpHeaders): boolean {
    if (headers['api-key'] !== undefined) return headers['api-key'] === apiKey;
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    return options.bearerToken !== undefined && bearer === options.bearerToken;
  }

  function successHeaders(): Record<string, string> {
    return {
      'x-ratelimit-remaining-requests': String(fake.remaining.requests),
      'x-ratelimit-remaining-tokens': String(fake.remaining.tokens),
      'apim-request-id': randomUUID(),
      'x-ms-region': 'Sweden Central',
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

interface AzureRoute {
  endpoint: 'chat' | 'responses';
  deployment: string | undefined;
}

/** The endpoint a request reached, or undefined where Azure answers 404 `Resource not found`. */
function routeOf(record: AzureRecordedRequest): AzureRoute | undefined {
  const version = record.query['api-version'];
  const bodyModel = typeof record.json?.model === 'string' ? record.json.model : undefined;
  const v1 = /^\/openai\/v1\/(chat\/completions|responses)$/.exec(record.path);
  if (v1) {
    // The v1 API takes no dated version; `preview` and `latest` are its own.
    if (version !== undefined && !V1_VERSIONS.has(version)) return undefined;
    return { endpoint: v1[1] === 'responses' ? 'responses' : 'chat', deployment: bodyModel };
  }
  if (version === undefined || !DATED_VERSION.test(version)) return undefined;
  if (record.path === '/openai/responses') return { endpoint: 'responses', deployment: bodyModel };
  const deployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(record.path);
  if (deployment?.[1] === undefined) return undefined;
  return { endpoint: 'chat', deployment: decodeURIComponent(deployment[1]) };
}

function rateLimited(res: ServerResponse, script: Extract<AzureScript, { kind: 'rate-limit' }>): void {
  const headers: Record<string, string> = {
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-remaining-tokens': '0',
  };
  if (script.retryAfterSeconds !== undefined) headers['retry-after'] = String(script.retryAfterSeconds);
  if (script.retryAfterMs !== undefined) headers['retry-after-ms'] = String(script.retryAfterMs);
  const seconds = script.retryAfterSeconds ?? Math.ceil((script.retryAfterMs ?? 1000) / 1000);
  sendJson(
    res,
    429,
    {
      error: {
        code: '429',
        message:
          'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded ' +
          `token rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds.`,
      },
    },
    headers,
  );
}

function usageOf(usage: AzureUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatAnswer(
  res: ServerResponse,
  body: Record<string, unknown>,
  model: string,
  usage: AzureUsage,
  text: string,
  headers: Record<string, string>,
): void {
  const id = `chatcmpl-${randomBytes(12).toString('base64url')}`;
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) {
    sendJson(
      res,
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        system_fingerprint: 'fp_azure_fake',
        prompt_filter_results: PROMPT_FILTER_RESULTS,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: 'stop',
            content_filter_results: SAFE,
          },
        ],
        usage: usageOf(usage),
      },
      headers,
    );
    return;
  }
  const options = body.stream_options;
  const includeUsage =
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>).include_usage === true;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...headers });
  const chunk = (fields: Record<string, unknown>) =>
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_azure_fake', ...fields })}\n\n`,
    );
  // Azure's first chunk: the prompt's filter results, with no choices and blank identity fields.
  res.write(
    `data: ${JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER_RESULTS })}\n\n`,
  );
  chunk({
    choices: [
      {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ],
    ...(includeUsage ? { usage: null } : {}),
  });
  for (const piece of text.match(/.{1,12}/gs) ?? []) {
    chunk({
      choices: [
        {
          index: 0,
          delta: { content: piece },
          logprobs: null,
          finish_reason: null,
          content_filter_results: SAFE,
        },
      ],
      ...(includeUsage ? { usage: null } : {}),
    });
  }
  chunk({
    choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop', content_filter_results: {} }],
    ...(includeUsage ? { usage: null } : {}),
  });
  if (includeUsage) chunk({ choices: [], usage: usageOf(usage) });
  res.end('data: [DONE]\n\n');
}

function responsesAnswer(
  res: ServerResponse,
  body: Record<string, unknown>,
  model: string,
  usage: AzureUsage,
  text: string,
  headers: Record<string, string>,
): void {
  const id = `resp_${randomBytes(16).toString('hex')}`;
  const messageId = `msg_${randomBytes(16).toString('hex')}`;
  const content = { type: 'output_text', text, annotations: [], logprobs: [] };
  const message = {
    id: messageId,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [content],
  };
  const response = (status: string, output: unknown[], withUsage: boolean) => ({
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    parallel_tool_calls: true,
    previous_response_id: null,
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    metadata: {},
    usage: withUsage
      ? {
          input_tokens: usage.promptTokens,
          input_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
          output_tokens: usage.completionTokens,
          output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
          total_tokens: usage.promptTokens + usage.completionTokens,
        }
      : null,
  });
  if (body.stream !== true) {
    sendJson(res, 200, response('completed', [message], true), headers);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...headers });
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    res.write(
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`,
    );
  event('response.created', { response: response('in_progress', [], false) });
  event('response.in_progress', { response: response('in_progress', [], false) });
  event('response.output_item.added', {
    output_index: 0,
    item: { ...message, status: 'in_progress', content: [] },
  });
  event('response.content_part.added', {
    item_id: messageId,
    output_index: 0,
    content_index: 0,
    part: { ...content, text: '' },
  });
  event('response.output_text.delta', { item_id: messageId, output_index: 0, content_index: 0, delta: text });
  event('response.output_text.done', { item_id: messageId, output_index: 0, content_index: 0, text });
  event('response.content_part.done', {
    item_id: messageId,
    output_index: 0,
    content_index: 0,
    part: content,
  });
  event('response.output_item.done', { output_index: 0, item: message });
  event('response.completed', { response: response('completed', [message], true) });
  res.end();
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
