// The Gemini format: what the pipeline needs to serve its clients (the genai SDK, Gemini CLI). The model and
// the method come from the path; streams arrive as SSE (`alt=sse`) or as one JSON array, both passed through.
// Gemini CLI's Code Assist mode speaks the same requests and answers wrapped (`{model, project, request}` up,
// `{response, traceId}` down): a second format object over the same files, served by Code Assist accounts.
import type { ListedModel } from '../../../services/models/model-directory.js';
import { record } from '../json-values.js';
import type { RelayFormat } from '../relay-format.js';
import { capCodeAssistOutput, capGeminiOutput, measureGeminiInput } from './budget.js';
import { geminiErrors } from './errors.js';
import { parseCodeAssistRequest, parseGeminiRequest } from './request.js';
import { codeAssistSessionId, geminiSessionId } from './session.js';
import { GeminiStreamTap } from './stream-tap.js';
import { geminiUsageFromBody } from './usage.js';

export const geminiFormat: RelayFormat = {
  name: 'gemini',
  errors: geminiErrors,
  parse: parseGeminiRequest,
  sessionId: geminiSessionId,
  measureInput: (raw, info) => measureGeminiInput(raw, info.body),
  capOutput: (_raw, info, maxTokens) => capGeminiOutput(info.body, maxTokens),
  createTap: ({ inputEstimate }) => new GeminiStreamTap(inputEstimate),
  usageFromBody: geminiUsageFromBody,
  streamsAsJson: true,
  modelInPath: true,
  // Google's list shape (`models/<id>` names, the methods each takes), which the genai SDK pages through.
  models: {
    list: (models) => ({ models: models.map(geminiModel) }),
    entry: geminiModel,
  },
  testBody: () =>
    Buffer.from(
      JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'ping' }] }],
        generationConfig: { maxOutputTokens: 16 },
      }),
    ),
};

export const codeAssistFormat: RelayFormat = {
  name: 'gemini-code-assist',
  errors: geminiErrors,
  parse: parseCodeAssistRequest,
  sessionId: codeAssistSessionId,
  measureInput: (raw, info) => measureGeminiInput(raw, record(info.body.request) ?? {}),
  capOutput: (_raw, info, maxTokens) => capCodeAssistOutput(info.body, maxTokens),
  // The tap and the usage reader find `usageMetadata` and `candidates` inside `response` as well.
  createTap: ({ inputEstimate }) => new GeminiStreamTap(inputEstimate),
  usageFromBody: geminiUsageFromBody,
  testBody: (model) =>
    Buffer.from(
      JSON.stringify({
        model,
        request: {
          contents: [{ role: 'user', parts: [{ text: 'ping' }] }],
          generationConfig: { maxOutputTokens: 16 },
        },
      }),
    ),
};

function geminiModel(model: ListedModel) {
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    displayName: model.id,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}
