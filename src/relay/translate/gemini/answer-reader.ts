// Reads Gemini answers (GenerateContentResponse objects: the chunks of a stream, or one whole answer) as
// canonical stream parts, in the order the parts came. Text and thought parts of consecutive chunks continue
// one block; a function call arrives whole (Gemini never streams arguments) and is a start, one delta, an end.
// A signature on a part that is neither a thought nor a call becomes an empty reasoning block just before the
// part's text, which the Gemini renderers hang on that part again.
import type { StreamPart } from '../../canonical/response.js';
import { record } from '../../formats/json-values.js';
import { answerCallId } from './call-ids.js';
import { finishFromBlock, finishFromGemini } from './finish-reason.js';
import { usageFromGemini } from './usage.js';

type BlockKind = 'text' | 'reasoning';

export class AnswerReader {
  private started = false;
  private finished = false;
  private failed = false;
  private responseId: string | undefined;
  private open: { kind: BlockKind; id: string } | undefined;
  private blocks = 0;
  private calls = 0;
  private lastUsage = '';

  /** One parsed answer object; anything that is not one (junk) yields nothing. */
  read(value: unknown): StreamPart[] {
    const answer = record(value);
    if (!answer || this.failed) return [];
    const out: StreamPart[] = [];
    const error = record(answer.error);
    if (error) {
      this.close(out);
      this.failed = true;
      out.push({ type: 'error', error: errorOf(error) });
      return out;
    }
    if (!this.started) {
      this.started = true;
      this.responseId = text(answer.responseId);
      out.push({ type: 'start', id: this.responseId, model: text(answer.modelVersion) });
    }
    const candidates = Array.isArray(answer.candidates) ? answer.candidates : [];
    // Only the first candidate: the relay never asks for more (candidateCount > 1 is refused).
    const candidate = record(candidates[0]);
    const parts = record(candidate?.content)?.parts;
    if (Array.isArray(parts)) for (const part of parts) this.part(record(part), out);
    const usage = usageFromGemini(answer.usageMetadata);
    const usageKey = usage ? JSON.stringify(answer.usageMetadata) : '';
    if (usage && usageKey !== this.lastUsage) {
      this.lastUsage = usageKey;
      out.push({ type: 'usage', usage });
    }
    const finishReason = text(candidate?.finishReason);
    const blockReason = text(record(answer.promptFeedback)?.blockReason);
    if (
      !this.finished &&
      (finishReason !== undefined || (blockReason !== undefined && candidates.length === 0))
    ) {
      this.close(out);
      this.finished = true;
      const reason =
        finishReason !== undefined
          ? finishFromGemini(finishReason, this.calls > 0)
          : finishFromBlock(blockReason ?? '');
      out.push({ type: 'finish', reason });
    }
    return out;
  }

  /** The stream's end: a block still open is closed. */
  end(): StreamPart[] {
    const out: StreamPart[] = [];
    this.close(out);
    return out;
  }

  private part(part: Record<string, unknown> | undefined, out: StreamPart[]): void {
    if (!part) return;
    const signature = text(part.thoughtSignature) || undefined;
    const call = record(part.functionCall);
    if (call) {
      this.close(out);
      const id = text(call.id) || answerCallId(this.responseId, this.calls);
      this.calls += 1;
      out.push({ type: 'tool-call-start', id, name: text(call.name) ?? '' });
      out.push({ type: 'tool-call-delta', id, delta: JSON.stringify(record(call.args) ?? {}) });
      out.push({ type: 'tool-call-end', id, ...(signature ? { signature } : {}) });
      return;
    }
    const content = text(part.text);
    if (content !== undefined && part.thought === true) {
      this.append('reasoning', content, out);
      if (signature) this.close(out, signature);
      return;
    }
    if (signature) {
      this.close(out);
      this.append('reasoning', '', out);
      this.close(out, signature);
    }
    // Files and Gemini's own tool parts have no stream part; the relay never asks for them.
    if (content) this.append('text', content, out);
  }

  private append(kind: BlockKind, delta: string, out: StreamPart[]): void {
    let open = this.open;
    if (open?.kind !== kind) {
      this.close(out);
      open = { kind, id: `${kind}-${this.blocks}` };
      this.blocks += 1;
      this.open = open;
      out.push(
        kind === 'text' ? { type: 'text-start', id: open.id } : { type: 'reasoning-start', id: open.id },
      );
    }
    if (delta === '') return;
    const id = open.id;
    out.push(kind === 'text' ? { type: 'text-delta', id, delta } : { type: 'reasoning-delta', id, delta });
  }

  private close(out: StreamPart[], signature?: string): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.kind === 'text') out.push({ type: 'text-end', id: open.id });
    else out.push({ type: 'reasoning-end', id: open.id, ...(signature ? { signature } : {}) });
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** google.rpc.Status: its `status` names it (`RESOURCE_EXHAUSTED`), as the format's stream tap reads it. */
function errorOf(error: Record<string, unknown>) {
  return {
    type: text(error.status) ?? 'INTERNAL',
    message: text(error.message) ?? 'upstream stream error',
    raw: error,
  };
}
