// A complete Gemini answer (generateContent) as a canonical response: read by the same reader as a stream's
// chunks, so a call's id, a signature's place and the finish reason come out the same either way.
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { CanonicalResponse, StreamPart } from '../../canonical/response.js';
import { emptyUsage } from '../../canonical/usage.js';
import { AnswerReader } from './answer-reader.js';

export function geminiToCanonicalResponse(body: unknown): CanonicalResponse {
  const reader = new AnswerReader();
  return collect([...reader.read(body), ...reader.end()]);
}

/** Folds stream parts into the answer they make up. */
export function collect(parts: readonly StreamPart[]): CanonicalResponse {
  const response: CanonicalResponse = {
    id: undefined,
    model: '',
    content: [],
    usage: emptyUsage(),
    finish: { unified: 'other', raw: undefined },
  };
  let finish: FinishReason | undefined;
  for (const part of parts) {
    const last = response.content.at(-1);
    switch (part.type) {
      case 'start':
        response.id = part.id;
        response.model = part.model ?? '';
        break;
      case 'text-start':
        response.content.push({ type: 'text', text: '' });
        break;
      case 'reasoning-start':
        response.content.push({ type: 'reasoning', text: '' });
        break;
      case 'tool-call-start':
        response.content.push({ type: 'tool-call', id: part.id, name: part.name, input: '' });
        break;
      case 'text-delta':
      case 'reasoning-delta':
      case 'tool-call-delta':
        if (last && last.type !== 'tool-call') last.text += part.delta;
        else if (last) last.input += part.delta;
        break;
      case 'reasoning-end':
      case 'tool-call-end':
        if (last && last.type !== 'text' && part.signature !== undefined) last.signature = part.signature;
        break;
      case 'text-end':
        break;
      case 'usage':
        response.usage = part.usage;
        break;
      case 'finish':
        finish = part.reason;
        break;
      case 'error':
        finish = { unified: 'error', raw: part.error.type };
        break;
      default: {
        const unknown: never = part;
        return unknown;
      }
    }
  }
  if (finish) response.finish = finish;
  return response;
}
