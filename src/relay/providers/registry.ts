// The one place an account kind meets the provider that reaches it: exhaustive over account types, so a new
// kind does not compile until it has a row here. The pipeline and the connection tester ask only this table.
import type { AccountType } from '../../services/accounts/account-types.js';
import type { FormatName, Operation } from '../formats/relay-format.js';
import { anthropicProvider } from './anthropic/provider.js';
import { azureProvider } from './azure/provider.js';
import { bedrockProvider } from './bedrock/provider.js';
import { codeAssistProvider } from './gemini/code-assist.js';
import { geminiProvider } from './gemini/provider.js';
import { openaiProvider } from './openai/provider.js';
import type { UpstreamProvider } from './upstream-provider.js';

const anthropicWithKey = anthropicProvider('api-key');

export const PROVIDERS: Readonly<Record<AccountType, UpstreamProvider>> = {
  'claude-console': anthropicWithKey,
  ccr: anthropicWithKey,
  'claude-oauth': anthropicProvider('oauth'),
  bedrock: bedrockProvider,
  'openai-api': openaiProvider('api-key'),
  'openai-oauth': openaiProvider('chatgpt'),
  'azure-openai': azureProvider,
  'gemini-api': geminiProvider,
  'gemini-oauth': codeAssistProvider,
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
