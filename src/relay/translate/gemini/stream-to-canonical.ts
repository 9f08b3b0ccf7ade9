// Decodes a Gemini upstream's stream incrementally, framed either way Google sends it: SSE `data:` chunks
// (`alt=sse`) or one JSON array sent element by element. Only the object being read is held; bytes between
// objects (`data: `, `[`, `,`, line breaks, keep-alive comments) are skipped. Every chunk's usage is cumulative.
import type { StreamPart } from '../../canonical/response.js';
import { parseJson } from '../../formats/json-values.js';
import { JsonObjectScanner } from '../../stream/json-objects.js';
import type { StreamDecoder } from '../translator.js';
import { AnswerReader } from './answer-reader.js';

export function geminiStreamDecoder(): StreamDecoder {
  const reader = new AnswerReader();
  let pending: StreamPart[] = [];
  const scanner = new JsonObjectScanner((text) => {
    pending.push(...reader.read(parseJson(text)));
  });
  const take = () => {
    const parts = pending;
    pending = [];
    return parts;
  };
  return {
    push(chunk) {
      scanner.push(chunk);
      return take();
    },
    end() {
      pending.push(...reader.end());
      return take();
    },
  };
}
