// A canonical answer as a Gemini client's complete answer (GenerateContentResponse). The answer names the
// client's model; a call's id is the upstream's (or the one derived for it), which Gemini clients echo back.
// An answer with no parts (a filtered one) has no `content`, as Gemini sends it.
import type { CanonicalResponse } from '../../canonical/response.js';
import type { AnswerContext } from '../translator.js';
import { finishToGemini } from './finish-reason.js';
import { modelParts } from './model-parts.js';
import { usageToGemini } from './usage.js';

export function canonicalToGeminiResponse(response: CanonicalResponse, context: AnswerContext): unknown {
  const parts = modelParts(response.content, 'content', { upstream: false, budget: { chars: 0 } });
  return {
    candidates: [
      {
        ...(parts.length > 0 ? { content: { parts, role: 'model' } } : {}),
        finishReason: finishToGemini(response.finish),
        index: 0,
      },
    ],
    usageMetadata: usageToGemini(response.usage),
    modelVersion: context.model,
    responseId: response.id ?? context.requestId,
  };
}
