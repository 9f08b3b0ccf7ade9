// The relay's routes: each path names its format, operation and pool, and the pipeline serves it. Paths no
// route claims still answer in the shape of the clients that live under them.

import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorShape } from '../errors/error-shape.js';
import { anthropicErrorShape, geminiErrorShape, jsonErrorShape, openaiErrorShape } from '../errors/shapes.js';
import { pathParameter } from '../http/path-segments.js';
import { type Route, RouteTable, type SharedRoute } from '../http/route-table.js';
import { CODE_ASSIST_SETUP_METHODS, createCodeAssistSetupHandler } from './code-assist-setup.js';
import { anthropicFormat } from './formats/anthropic/format.js';
import { codeAssistFormat, geminiFormat } from './formats/gemini/format.js';
import { chatFormat } from './formats/openai-chat/format.js';
import { responsesFormat } from './formats/openai-responses/format.js';
import { addOAuthRoutes } from './gateway/oauth-endpoints.js';
import { createBilledHandler } from './pipeline/billed-call.js';
import type { RelayRoute } from './pipeline/relay-route.js';
import { createUnbilledHandler } from './pipeline/unbilled-call.js';
import type { RelayDeps } from './relay-deps.js';
import { createSelfInfoHandler } from './self-info.js';

/** Claude Code and other clients may put a path prefix in their base URL. */
export const ANTHROPIC_PREFIXES = ['', '/api', '/claude'] as const;

/** Base paths clients probe with an unauthenticated HEAD before their first call (Claude Code does). */
const HEAD_PATHS = [
  '/',
  '/api',
  '/claude',
  '/v1',
  '/api/v1',
  '/claude/v1',
  '/openai',
  '/openai/v1',
  '/gemini',
  '/azure',
  '/gemini-cli/api',
  '/antigravity/api',
  '/droid/claude',
  '/droid/claude/v1',
  '/droid/openai/v1',
  '/droid/comm/v1',
];

/**
 * Anthropic's clients name a model of any family (Claude Code with `ANTHROPIC_MODEL=gemini-2.5-pro`) and are
 * translated to its pool; names no family claims (Bedrock ids, a compatible endpoint's own) stay on Claude's.
 */
const ANTHROPIC_MESSAGES: RelayRoute = {
  format: anthropicFormat,
  operation: 'generate',
  platform: 'claude',
  byModel: 'keep-unclaimed',
};
const ANTHROPIC_COUNT: RelayRoute = { ...ANTHROPIC_MESSAGES, operation: 'count-tokens' };
const ANTHROPIC_MODELS: RelayRoute = {
  format: anthropicFormat,
  operation: 'list-models',
  platform: 'claude',
};
const OPENAI_RESPONSES: RelayRoute = { format: responsesFormat, operation: 'generate', platform: 'openai' };
const OPENAI_CHAT: RelayRoute = { format: chatFormat, operation: 'generate', platform: 'openai' };
const OPENAI_MODELS: RelayRoute = { ...OPENAI_CHAT, operation: 'list-models' };

/**
 * Base paths of OpenAI-format clients on the OpenAI pool: Codex's base URL is `<relay>/openai/v1`, the openai
 * SDK's may be `<relay>/v1` or `<relay>/openai`. Their model picks the pool (`byModel`).
 */
const OPENAI_BASES = ['/openai/v1', '/openai', '/v1'] as const;
const GEMINI_GENERATE: RelayRoute = {
  format: geminiFormat,
  operation: 'generate',
  platform: 'gemini',
  byModel: true,
};
const GEMINI_COUNT: RelayRoute = { ...GEMINI_GENERATE, operation: 'count-tokens' };
const GEMINI_MODELS: RelayRoute = { ...GEMINI_GENERATE, operation: 'list-models' };
/** Gemini CLI in its Code Assist mode (`CODE_ASSIST_ENDPOINT=<relay>`): requests wrapped as Code Assist takes them. */
const CODE_ASSIST_GENERATE: RelayRoute = { ...GEMINI_GENERATE, format: codeAssistFormat };
const CODE_ASSIST_COUNT: RelayRoute = { ...CODE_ASSIST_GENERATE, operation: 'count-tokens' };

/** The genai SDK's and Gemini CLI's base URL is the relay itself, or `<relay>/gemini` (as the old relay served). */
const GEMINI_BASES = ['/v1beta', '/gemini/v1beta', '/gemini/v1'] as const;

/** Where a key holder's `key-info`, `usage` and `me` are answered (the old relay served them under /api). */
const SELF_INFO_BASES = ['/v1', '/api/v1', '/claude/v1', '/openai/v1', '/openai', '/gemini/v1'] as const;

/**
 * Routes that send a format to a pool whatever the model's family, on the paths the old relay served them:
 * OpenAI Chat clients on Claude or Gemini accounts, and Claude Code on Gemini accounts (its base URL
 * `<relay>/gemini-cli/api` or `<relay>/antigravity/api`). Their requests are translated.
 */
const FORCED_POOLS: readonly { base: string; route: RelayRoute; path: string }[] = [
  {
    base: '/openai/claude/v1',
    path: '/chat/completions',
    route: { format: chatFormat, operation: 'generate', platform: 'claude', forcedPool: true },
  },
  {
    base: '/openai/gemini/v1',
    path: '/chat/completions',
    route: { format: chatFormat, operation: 'generate', platform: 'gemini', forcedPool: true },
  },
  ...['/gemini-cli/api', '/antigravity/api'].map((base) => ({
    base: `${base}/v1`,
    path: '/messages',
    route: { format: anthropicFormat, operation: 'generate', platform: 'gemini', forcedPool: true } as const,
  })),
];

/** The Azure pool under the paths the old relay served it on (`/azure/...`) and Azure's own v1 shape. */
const AZURE_BASES = ['/azure', '/azure/v1', '/azure/openai/v1'] as const;

export function buildRelayRoutes(deps: RelayDeps): RouteTable {
  const routes = new RouteTable();
  const serve = (route: RelayRoute): Route => ({
    handler:
      route.operation === 'generate' ? createBilledHandler(deps, route) : createUnbilledHandler(deps, route),
    errors: route.format.errors,
  });
  const messages = serve(ANTHROPIC_MESSAGES);
  const countTokens = serve(ANTHROPIC_COUNT);
  const anthropicModels = serve(ANTHROPIC_MODELS);
  const openaiModels = serve({ ...OPENAI_MODELS, byModel: true });
  // `GET /v1/models` is both APIs' model list: each client gets its own, told apart by its headers.
  const geminiModels = serve(GEMINI_MODELS);
  const eitherModels: SharedRoute = {
    choose: (headers) =>
      headers['x-goog-api-key'] !== undefined
        ? geminiModels
        : speaksAnthropic(headers)
          ? anthropicModels
          : openaiModels,
  };
  for (const prefix of ANTHROPIC_PREFIXES) {
    routes.add('POST', `${prefix}/v1/messages`, messages);
    routes.add('POST', `${prefix}/v1/messages/count_tokens`, countTokens);
    if (prefix !== '') routes.add('GET', `${prefix}/v1/models`, anthropicModels);
  }
  routes.add('GET', '/v1/models', eitherModels);
  routes.addPattern('GET', modelPath(['/api/v1', '/claude/v1']), anthropicModels);
  routes.addPattern('GET', modelPath(['/v1']), eitherModels);

  const responses = serve({ ...OPENAI_RESPONSES, byModel: true });
  const chat = serve({ ...OPENAI_CHAT, byModel: true });
  for (const base of OPENAI_BASES) {
    routes.add('POST', `${base}/responses`, responses);
    routes.add('POST', `${base}/chat/completions`, chat);
    if (base !== '/v1') routes.add('GET', `${base}/models`, openaiModels);
  }
  routes.addPattern('GET', modelPath(['/openai/v1', '/openai']), openaiModels);

  // The Azure pool answers the same formats under /azure, for clients pointed at an Azure-shaped base URL.
  const azureChat = serve({ ...OPENAI_CHAT, platform: 'azure' });
  const azureResponses = serve({ ...OPENAI_RESPONSES, platform: 'azure' });
  const azureModels = serve({ ...OPENAI_MODELS, platform: 'azure' });
  for (const base of AZURE_BASES) {
    routes.add('POST', `${base}/chat/completions`, azureChat);
    routes.add('POST', `${base}/responses`, azureResponses);
    routes.add('GET', `${base}/models`, azureModels);
  }
  routes.addPattern('GET', modelPath(AZURE_BASES), azureModels);

  const geminiGenerate = serve(GEMINI_GENERATE);
  const geminiCount = serve(GEMINI_COUNT);
  routes.addPattern('POST', geminiMethodPath(['generateContent', 'streamGenerateContent']), geminiGenerate);
  routes.addPattern('POST', geminiMethodPath(['countTokens']), geminiCount);
  for (const base of GEMINI_BASES) routes.add('GET', `${base}/models`, geminiModels);
  routes.addPattern('GET', modelPath(GEMINI_BASES), geminiModels);

  routes.addPattern(
    'POST',
    codeAssistMethodPath(['generateContent', 'streamGenerateContent']),
    serve(CODE_ASSIST_GENERATE),
  );
  routes.addPattern('POST', codeAssistMethodPath(['countTokens']), serve(CODE_ASSIST_COUNT));
  const setup: Route = { handler: createCodeAssistSetupHandler(deps), errors: geminiFormat.errors };
  routes.addPattern('POST', codeAssistMethodPath(CODE_ASSIST_SETUP_METHODS), setup);
  routes.addPattern('GET', codeAssistMethodPath(['getCodeAssistGlobalUserSetting']), setup);

  // A key holder's view of its own key, under every base path its clients use.
  for (const view of ['key-info', 'usage', 'me'] as const) {
    const info = createSelfInfoHandler(deps, view);
    for (const base of SELF_INFO_BASES) {
      routes.add('GET', `${base}/${view}`, { handler: info, errors: relayErrorShapeFor(`${base}/`) });
    }
  }

  for (const forced of FORCED_POOLS) routes.add('POST', `${forced.base}${forced.path}`, serve(forced.route));

  // --- Droid: Factory's pool (`droid` accounts) on the paths the old relay served it. A Droid CLI custom model's
  // base URL is `<relay>/droid/claude` (provider anthropic), `<relay>/droid/openai/v1` (openai: Responses) or
  // `<relay>/droid/comm/v1` (generic-chat-completion-api); each format goes to Factory's endpoint for it.
  const droidMessages = serve({ format: anthropicFormat, operation: 'generate', platform: 'droid' });
  const droidResponses = serve({ format: responsesFormat, operation: 'generate', platform: 'droid' });
  const droidChat = serve({ format: chatFormat, operation: 'generate', platform: 'droid' });
  // One list, OpenAI-shaped, under every Droid base (as the old relay answered): the relay draws it from the
  // pool's accounts, since Factory publishes none and Anthropic's format has no list of the relay's own.
  const droidModels = serve({ format: chatFormat, operation: 'list-models', platform: 'droid' });
  const droidBases = ['/droid/claude/v1', '/droid/openai/v1', '/droid/comm/v1'];
  routes.add('POST', '/droid/claude/v1/messages', droidMessages);
  routes.add('POST', '/droid/openai/v1/responses', droidResponses);
  routes.add('POST', '/droid/openai/responses', droidResponses);
  routes.add('POST', '/droid/comm/v1/chat/completions', droidChat);
  for (const base of droidBases) routes.add('GET', `${base}/models`, droidModels);
  routes.addPattern('GET', modelPath(droidBases), droidModels);
  // --- end of Droid

  addOAuthRoutes(routes, { gateway: deps.gateway, trustProxy: deps.settings.trustProxy });

  const head: Route = {
    handler: async (_req, res) => {
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    },
    errors: jsonErrorShape,
  };
  for (const path of HEAD_PATHS) {
    routes.add('HEAD', path, head);
    if (path !== '/') routes.add('HEAD', `${path}/`, head);
  }
  return routes;
}

/**
 * The error shape for an answer given before any route matched (an unknown path, a refused one): what the
 * clients that use that part of the path space read.
 */
export function relayErrorShapeFor(path: string): ErrorShape {
  const gemini = path.startsWith('/gemini') && !path.startsWith('/gemini-cli');
  if (gemini || path.startsWith('/v1beta') || path.startsWith('/v1internal')) {
    return geminiErrorShape;
  }
  if (
    path.startsWith('/openai') ||
    path.startsWith('/azure') ||
    path.startsWith('/droid/openai') ||
    path.startsWith('/droid/comm') ||
    path.includes('/chat/completions') ||
    path.endsWith('/responses')
  ) {
    return openaiErrorShape;
  }
  if (
    path.startsWith('/v1/') ||
    path.startsWith('/api/') ||
    path.startsWith('/claude/') ||
    path.startsWith('/droid/claude') ||
    path.startsWith('/gemini-cli/') ||
    path.startsWith('/antigravity/')
  ) {
    return anthropicErrorShape;
  }
  return jsonErrorShape;
}

/**
 * `POST [/gemini]/{v1beta|v1}/models/{model}:{method}` for the given methods: the model (one decoded segment)
 * and the method become the route's parameters.
 */
function geminiMethodPath(methods: readonly string[]): (path: string) => Record<string, string> | undefined {
  const pattern = /^(?:\/gemini)?\/(?:v1beta|v1)\/models\/([^/:]+):([A-Za-z]+)$/;
  return (path) => {
    const match = pattern.exec(path);
    if (!match || !methods.includes(match[2] ?? '')) return undefined;
    const model = pathParameter(match[1] ?? '');
    return model === undefined || model.includes(':') ? undefined : { model, method: match[2] ?? '' };
  };
}

/** `POST [/gemini]/v1internal:{method}` for the given methods; the method becomes the route's parameter. */
function codeAssistMethodPath(
  methods: readonly string[],
): (path: string) => Record<string, string> | undefined {
  return (path) => {
    const at = path.indexOf('/v1internal:');
    if (at === -1 || (at !== 0 && path.slice(0, at) !== '/gemini')) return undefined;
    const method = path.slice(at + '/v1internal:'.length);
    return methods.includes(method) ? { method } : undefined;
  };
}

/**
 * Anthropic's clients always send `anthropic-version` (its SDKs and Claude Code do) and may send `x-api-key`;
 * OpenAI's send neither.
 */
function speaksAnthropic(headers: IncomingHttpHeaders): boolean {
  return (
    headers['anthropic-version'] !== undefined ||
    headers['x-api-key'] !== undefined ||
    // A gateway sign-in's bearer token (a JWT) is Claude Code's: only it signs in that way.
    /^bearer\s+eyJ/i.test(headers.authorization ?? '')
  );
}

/**
 * `GET <base>/models/{id}`. The id is decoded and stays one segment: one that decodes to a `/`, `.` or `..`
 * (or not at all) matches no route.
 */
function modelPath(bases: readonly string[]): (path: string) => Record<string, string> | undefined {
  return (path) => {
    for (const prefix of bases) {
      const base = `${prefix}/models/`;
      if (path.startsWith(base) && path.length > base.length && !path.includes('/', base.length)) {
        const model = pathParameter(path.slice(base.length));
        return model === undefined ? undefined : { model };
      }
    }
    return undefined;
  };
}
