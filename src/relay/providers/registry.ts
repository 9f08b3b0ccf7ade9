// The one place an account kind meets the provider that reaches it: exhaustive over account types, so a new
// kind does not compile until it has a row here. The pipeline and the connection tester ask only this table.
import { type AccountType, PLATFORM_OF } from '../../services/accounts/account-types.js';
import type { Platform } from '../../services/domain/platforms.js';
import type { FormatName, Operation } from '../formats/relay-format.js';
import { anthropicProvider } from './anthropic/provider.js';
import { azureProvider } from './azure/provider.js';
import { bedrockProvider } from './bedrock/provider.js';
import { droidProvider } from './droid/provider.js';
import { codeAssistProvider } from './gemini/code-assist.js';
import { geminiProvider } from './gemini/provider.js';
import { openaiProvider } from './openai/provider.js';
import type { UpstreamProvider } from './upstream-provider.js';

/** The formats translation reaches (relay/translate/); Code Assist's wrapped requests only pass through. */
export const TRANSLATED_FORMATS: ReadonlySet<FormatName> = new Set([
  'anthropic',
  'openai-chat',
  'openai-responses',
  'gemini',
]);

const anthropicWithKey = anthropicProvider('api-key');

export const PROVIDERS: Readonly<Record<AccountType, UpstreamProvider>> = {
  'claude-console': anthropicWithKey,
  ccr: anthropicWithKey,
  'claude-oauth': anthropicProvider('oauth'),
  bedrock: bedrockProvider,
  'openai-api': openaiProvider('api-key'),
  'openai-oauth': openaiProvider('chatgpt'),
  'openai-compatible': openaiProvider('chat-only'),
  'azure-openai': azureProvider,
  'gemini-api': geminiProvider,
  'gemini-oauth': codeAssistProvider,
  droid: droidProvider,
};

export function providerFor(type: AccountType): UpstreamProvider {
  return PROVIDERS[type];
}

const servingTypes = new Map<string, readonly AccountType[]>();

/** The account kinds that can serve `operation` to a client of `format`, computed once per pair. */
export function typesServing(format: FormatName, operation: Operation): readonly AccountType[] {
  const key = `${format} ${operation}`;
  let types = servingTypes.get(key);
  if (!types) {
    types = (Object.keys(PROVIDERS) as AccountType[]).filter((type) => {
      const provider = PROVIDERS[type];
      return provider.formats.includes(format) && provider.operations.has(operation);
    });
    servingTypes.set(key, types);
  }
  return types;
}

/** Which accounts of a pool serve a route, and whether some or all of them are reached by translation. */
export interface ServingPlan {
  types: readonly AccountType[];
  /**
   * `none`: every kind speaks the client's format. `all`: none does, every attempt translates. `some`: the pool
   * mixes both (OpenAI's API beside a Chat-only compatible server), and an attempt translates for the kinds that
   * need it.
   */
  translate: 'none' | 'some' | 'all';
}

const plans = new Map<string, ServingPlan>();

/**
 * The plan for a client of `format` asking `operation` of `platform`'s pool, computed once per triple. Only
 * generations translate (token counts and model lists have no canonical form), and only the formats that have
 * a translator.
 */
export function servingPlan(format: FormatName, operation: Operation, platform: Platform): ServingPlan {
  const key = `${format} ${operation} ${platform}`;
  let plan = plans.get(key);
  if (!plan) {
    const native = typesServing(format, operation).filter((type) => PLATFORM_OF[type] === platform);
    const translating =
      operation === 'generate' && TRANSLATED_FORMATS.has(format)
        ? (Object.keys(PROVIDERS) as AccountType[]).filter((type) => {
            const provider = PROVIDERS[type];
            return (
              PLATFORM_OF[type] === platform &&
              !native.includes(type) &&
              provider.acceptsTranslation !== false &&
              provider.operations.has(operation) &&
              translatedFormatOf(provider) !== undefined
            );
          })
        : [];
    plan = {
      types: [...native, ...translating],
      translate: translating.length === 0 ? 'none' : native.length === 0 ? 'all' : 'some',
    };
    plans.set(key, plan);
  }
  return plan;
}

/** The format a translated request is rendered in for `provider`: the first of its own that translation reaches. */
export function translatedFormatOf(provider: UpstreamProvider): FormatName | undefined {
  return provider.formats.find((format) => TRANSLATED_FORMATS.has(format));
}
