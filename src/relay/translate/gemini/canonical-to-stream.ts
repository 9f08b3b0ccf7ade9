// Encodes canonical stream parts as a Gemini client's stream, framed as the client asked: SSE `data:` chunks
// with `alt=sse` (what @google/genai and Gemini CLI ask for), otherwise one JSON array sent an element at a
// time. Each chunk is a GenerateContentResponse; a function call goes out whole once its end arrives, with its
// id and signature. The finish reason waits for the stream's end so that it leaves in one last chunk with the
// final usage, as Gemini sends it (a usage report may follow the finish in other formats).
import type { AppError } from '../../../errors/app-error.js';
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { CanonicalStreamError, StreamPart } from '../../canonical/response.js';
import type { CanonicalUsage } from '../../canonical/usage.js';
import { geminiErrorChunk } from '../../formats/gemini/errors.js';
import type { AnswerContext, StreamEncoder } from '../translator.js';
import { finishToGemini } from './finish-reason.js';
import { argumentsOf, type GeminiPart } from './model-parts.js';
import { upstreamStreamError } from './stream-error.js';
import { usageToGemini } from './usage.js';

export function isSseQuery(clientQuery: string): boolean {
  return new URLSearchParams(clientQuery).get('alt') === 'sse';
}

export class GeminiStreamEncoder implements StreamEncoder {
  private readonly sse: boolean;
  private responseId: string;
  private chunks = 0;
  private closed = false;
  private usage: CanonicalUsage | undefined;
  private finish: FinishReason | undefined;
  private readonly calls = new Map<string, { name: string; input: string }>();
  /** Reasoning blocks that showed text: their closing signature goes on a thought part. */
  private readonly thoughtful = new Set<string>();

  constructor(private readonly context: AnswerContext) {
    this.sse = isSseQuery(context.clientQuery);
    this.responseId = context.requestId;
  }

  write(parts: readonly StreamPart[]): string {
    if (this.closed) return '';
    const out: GeminiPart[] = [];
    for (const part of parts) {
      if (part.type === 'error') return this.chunk(out) + this.error(part.error);
      this.take(part, out);
    }
    return this.chunk(out);
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    let text = '';
    if (this.finish || this.usage) {
      text = this.frame(this.answer([{ text: '' }], this.finish ? finishToGemini(this.finish) : undefined));
    }
    if (this.sse) return text;
    return this.chunks === 0 ? '[]' : `${text}]`;
  }

  fail(error: AppError): string {
    if (this.closed) return '';
    this.closed = true;
    const requestId = this.context.requestId;
    if (this.sse) return geminiErrorChunk(error, requestId, 'sse');
    return this.chunks === 0
      ? `[${geminiErrorChunk(error, requestId, 'array-first')}`
      : geminiErrorChunk(error, requestId, 'array-next');
  }

  private take(part: Exclude<StreamPart, { type: 'error' }>, out: GeminiPart[]): void {
    switch (part.type) {
      case 'start':
        if (part.id && this.chunks === 0) this.responseId = part.id;
        return;
      case 'text-delta':
        addText(out, part.delta, false);
        return;
      case 'reasoning-delta':
        if (part.delta !== '') this.thoughtful.add(part.id);
        addText(out, part.delta, true);
        return;
      case 'reasoning-end':
        if (part.signature !== undefined) {
          const thought = this.thoughtful.has(part.id) ? { thought: true } : {};
          out.push({ text: '', ...thought, thoughtSignature: part.signature });
        }
        this.thoughtful.delete(part.id);
        return;
      case 'tool-call-start':
        this.calls.set(part.id, { name: part.name, input: '' });
        return;
      case 'tool-call-delta': {
        const call = this.calls.get(part.id);
        if (call) call.input += part.delta;
        return;
      }
      case 'tool-call-end': {
        const call = this.calls.get(part.id);
        if (!call) return;
        this.calls.delete(part.id);
        // Gemini's calls carry an object; arguments a model cut off read as none.
        const functionCall = { id: part.id, name: call.name, args: argumentsOf(call.input) ?? {} };
        out.push({
          functionCall,
          ...(part.signature === undefined ? {} : { thoughtSignature: part.signature }),
        });
        return;
      }
      case 'usage':
        this.usage = part.usage;
        return;
      case 'finish':
        this.finish = part.reason;
        return;
      case 'text-start':
      case 'text-end':
      case 'reasoning-start':
        return;
      default: {
        const unknown: never = part;
        throw new Error(`unknown stream part ${JSON.stringify(unknown)}`);
      }
    }
  }

  private chunk(parts: GeminiPart[]): string {
    return parts.length === 0 ? '' : this.frame(this.answer(parts, undefined));
  }

  private answer(parts: GeminiPart[], finishReason: string | undefined): Record<string, unknown> {
    return {
      candidates: [
        { content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 },
      ],
      ...(this.usage ? { usageMetadata: usageToGemini(this.usage) } : {}),
      modelVersion: this.context.model,
      responseId: this.responseId,
    };
  }

  private frame(answer: Record<string, unknown>): string {
    const json = JSON.stringify(answer);
    const first = this.chunks === 0;
    this.chunks += 1;
    if (this.sse) return `data: ${json}\r\n\r\n`;
    return first ? `[${json}` : `,\r\n${json}`;
  }

  private error(error: CanonicalStreamError): string {
    return this.fail(upstreamStreamError(error));
  }
}

/** Consecutive deltas of one kind in one write leave as one part. */
function addText(out: GeminiPart[], delta: string, thought: boolean): void {
  if (delta === '') return;
  const last = out.at(-1);
  if (
    last &&
    typeof last.text === 'string' &&
    last.thoughtSignature === undefined &&
    (last.thought === true) === thought
  ) {
    last.text += delta;
    return;
  }
  out.push(thought ? { text: delta, thought: true } : { text: delta });
}
