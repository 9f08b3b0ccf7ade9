// Bedrock accounts answer Anthropic clients: Messages bodies become signed InvokeModel calls, and Bedrock's
// event stream and AWS-shaped errors are turned back into Anthropic's. Token counts and model lists are
// Anthropic's own API only.
import type { UpstreamProvider } from '../upstream-provider.js';
import { bedrockCall, bedrockTranslation } from './bedrock-call.js';

export const bedrockProvider: UpstreamProvider = {
  formats: ['anthropic'],
  operations: new Set(['generate']),
  acceptsOutputCap: true,
  async buildCall(call) {
    if (!call.body || call.model === undefined) {
      // The registry keeps every other operation off Bedrock accounts.
      throw new Error(`Bedrock cannot serve ${call.operation}`);
    }
    const upstream = await bedrockCall(call.runtime, call.clientHeaders, call.body, {
      model: call.model,
      stream: call.stream,
    });
    return { ...upstream, method: 'POST' };
  },
  translation: () => bedrockTranslation,
  httpError: bedrockTranslation.httpError,
  testModel: 'claude-haiku-4-5',
};
