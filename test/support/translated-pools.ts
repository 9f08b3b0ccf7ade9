// For the translation tests: one pool per format, made of a single account that speaks only that format on
// the fake upstream, the model asked of it, and the path its calls arrive at.
import type { ClientFormat } from './format-clients.js';
import { createClaudeAccount, createGeminiAccount, createOpenAIAccount, type TestRelay } from './relay.js';

export interface TranslatedPool {
  model: string;
  path: (model: string, stream: boolean) => string;
  create(relay: TestRelay, fakeUrl: string): Promise<{ id: string; platform: string }>;
  /**
   * Whether a relay sends a client of `format` to this pool: every client but Chat's on a Responses pool,
   * which no account makes (each kind that speaks Responses speaks Chat too and serves it as it is, but Codex's
   * backend, which takes only Codex's own requests).
   */
  servesClient(format: ClientFormat): boolean;
}

const everyClient = () => true;

export const TRANSLATED_POOLS: Record<ClientFormat, TranslatedPool> = {
  anthropic: {
    model: 'claude-sonnet-4-5',
    path: () => '/v1/messages',
    create: (relay, url) => createClaudeAccount(relay, url),
    servesClient: everyClient,
  },
  'openai-responses': {
    model: 'gpt-5-mini',
    path: () => '/v1/responses',
    create: (relay, url) => createOpenAIAccount(relay, url),
    servesClient: (format) => format !== 'openai-chat',
  },
  'openai-chat': {
    model: 'gpt-4o-mini',
    path: () => '/v1/chat/completions',
    create: (relay, url) =>
      relay.server.services.accounts.create({
        type: 'openai-compatible',
        name: 'fake chat-only endpoint',
        baseUrl: `${url}/v1`,
        credentials: { apiKey: 'sk-compatible-upstream' },
      }),
    servesClient: everyClient,
  },
  gemini: {
    model: 'gemini-2.5-flash',
    path: (model, stream) =>
      `/v1beta/models/${model}:${stream ? 'streamGenerateContent' : 'generateContent'}`,
    create: (relay, url) => createGeminiAccount(relay, url),
    servesClient: everyClient,
  },
};
