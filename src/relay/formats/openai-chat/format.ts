// The OpenAI Chat Completions format: what the pipeline needs to serve its clients (the openai SDK's
// `chat.completions`, and the many apps and frameworks that speak it).
import type { ListedModel } from '../../../services/models/model-directory.js';
import type { RelayFormat } from '../relay-format.js';
import { capChatOutput, measureChatInput } from './budget.js';
import { chatErrors } from './errors.js';
import { clientAsksUsage, parseChatRequest, withUsageChunk } from './request.js';
import { chatSessionId } from './session.js';
import { ChatStreamTap } from './stream-tap.js';
import { chatUsageFromBody } from './usage.js';

export const chatFormat: RelayFormat = {
  name: 'openai-chat',
  errors: chatErrors,
  parse: (raw) => parseChatRequest(raw),
  sessionId: chatSessionId,
  measureInput: (raw, info) => measureChatInput(raw, info.body),
  capOutput: (raw, _info, maxTokens) => capChatOutput(raw, maxTokens),
  // A stream's usage comes only in a final chunk the client must ask for; the relay asks whenever it did not.
  upstreamBody: (raw, info) => (info.stream && !clientAsksUsage(info.body) ? withUsageChunk(raw) : raw),
  createTap: ({ inputEstimate, body }) =>
    new ChatStreamTap(inputEstimate, body?.stream === true && !clientAsksUsage(body)),
  usageFromBody: chatUsageFromBody,
  // OpenAI's list shape, which every OpenAI-format client reads, whichever of its formats it then speaks.
  models: {
    list: (models, owner) => ({ object: 'list', data: models.map((model) => openaiModel(model, owner)) }),
    entry: openaiModel,
  },
  testBody: (model) =>
    Buffer.from(
      JSON.stringify({ model, max_completion_tokens: 16, messages: [{ role: 'user', content: 'ping' }] }),
    ),
};

function openaiModel(model: ListedModel, owner: string) {
  return { id: model.id, object: 'model', created: Math.floor(model.since / 1000), owned_by: owner };
}
