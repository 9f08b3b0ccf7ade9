// The Gemini format: what the pipeline needs to serve its clients (the genai SDK, Gemini CLI). The model and
// the method come from the path; streams arrive as SSE (`alt=sse`) or as one JSON array, both passed through.
import type { ListedModel } from '../../../services/models/model-directory.js';
import type { RelayFormat } from '../relay-format.js';
import { capGeminiOutput, measureGeminiInput } from './budget.js';
import { geminiErrors } from './errors.js';
import { parseGeminiRequest } from './request.js';
import { geminiSessionId } from './session.js';
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

function geminiModel(model: ListedModel) {
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    displayName: model.id,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}
