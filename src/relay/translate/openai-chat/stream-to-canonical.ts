// Incremental decoder: a Chat Completions SSE stream (`data: {chat.completion.chunk}` … `data: [DONE]`) →
// canonical stream parts. Chat streams one choice as deltas: reasoning (`reasoning_content`, DeepSeek's
// convention), content, refusal, and tool calls keyed by index (id and name first, then argument pieces).
import { record } from '../../formats/json-values.js';
import { SseStreamDecoder } from '../sse-decoder.js';
import { finishFromChat } from './finish-reason.js';
import { usageFromChat } from './usage.js';

type TextKind = 'text' | 'reasoning' | 'refusal';

interface ToolCallState {
  id: string | undefined;
  name: string | undefined;
  /** Argument pieces that came before the name (a server that sends the name late). */
  pending: string;
  started: boolean;
  ended: boolean;
}

export class ChatStreamDecoder extends SseStreamDecoder {
  private started = false;
  /** An error chunk ended the stream: whatever follows is not the answer. */
  private failed = false;
  private blockCount = 0;
  /** The text, reasoning or refusal block being streamed; Chat streams one at a time. */
  private open: { kind: TextKind; id: string } | undefined;
  private readonly toolCalls = new Map<number, ToolCallState>();
  private refused = false;

  protected override onEnd(): void {
    if (!this.failed) this.closeAll();
  }

  protected onEvent(_event: string, data: string): void {
    if (this.failed || data === '[DONE]') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return; // junk between events is not the answer's
    }
    const chunk = record(parsed);
    if (!chunk) return;
    const error = record(chunk.error);
    if (error) {
      this.failed = true;
      const type = text(error.type) ?? text(error.code) ?? 'server_error';
      const message = text(error.message) ?? 'upstream stream error';
      this.emit({ type: 'error', error: { type, message, raw: chunk.error } });
      return;
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const usage = record(chunk.usage);
    // Azure opens with a chunk that has no id and no choices (its prompt filter results): not the answer yet.
    if (!this.started && (choices.length > 0 || usage)) {
      this.started = true;
      this.emit({ type: 'start', id: text(chunk.id), model: text(chunk.model) });
    }
    const choice = record(choices.find((item) => record(item)?.index === 0) ?? choices[0]);
    if (choice) this.onChoice(choice);
    const read = usage ? usageFromChat(usage) : undefined;
    if (read) this.emit({ type: 'usage', usage: read });
  }

  private onChoice(choice: Record<string, unknown>): void {
    const delta = record(choice.delta) ?? {};
    const reasoning = text(delta.reasoning_content) ?? text(delta.reasoning);
    if (reasoning) this.write('reasoning', reasoning);
    const content = text(delta.content);
    if (content) this.write('text', content);
    const refusal = text(delta.refusal);
    if (refusal) {
      this.refused = true;
      this.write('refusal', refusal);
    }
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((call, position) => {
        this.onToolCall(record(call) ?? {}, position);
      });
    }
    const finish = text(choice.finish_reason);
    if (finish) {
      this.closeAll();
      this.emit({ type: 'finish', reason: finishFromChat(finish, this.refused) });
    }
  }

  private write(kind: TextKind, delta: string): void {
    if (this.open?.kind !== kind) {
      this.closeOpen();
      const id = `${kind === 'reasoning' ? 'reasoning' : 'text'}-${this.blockCount++}`;
      this.open = { kind, id };
      this.emit(kind === 'reasoning' ? { type: 'reasoning-start', id } : { type: 'text-start', id });
    }
    const id = this.open.id;
    this.emit(
      kind === 'reasoning' ? { type: 'reasoning-delta', id, delta } : { type: 'text-delta', id, delta },
    );
  }

  private onToolCall(call: Record<string, unknown>, position: number): void {
    const index = typeof call.index === 'number' ? call.index : position;
    let state = this.toolCalls.get(index);
    if (!state) {
      // A tool call ends the text before it: Chat sends calls after what the model said.
      this.closeOpen();
      state = { id: undefined, name: undefined, pending: '', started: false, ended: false };
      this.toolCalls.set(index, state);
    }
    const fn = record(call.function) ?? {};
    state.id ??= text(call.id);
    state.name ??= text(fn.name);
    const args = typeof fn.arguments === 'string' ? fn.arguments : '';
    if (!state.started && state.name !== undefined) this.startToolCall(state, index);
    if (!state.started) state.pending += args;
    else if (args !== '' && !state.ended) {
      this.emit({ type: 'tool-call-delta', id: toolId(state, index), delta: args });
    }
  }

  private startToolCall(state: ToolCallState, index: number): void {
    state.started = true;
    const id = toolId(state, index);
    this.emit({ type: 'tool-call-start', id, name: state.name ?? '' });
    if (state.pending !== '') this.emit({ type: 'tool-call-delta', id, delta: state.pending });
    state.pending = '';
  }

  private closeOpen(): void {
    if (!this.open) return;
    const id = this.open.id;
    this.emit(this.open.kind === 'reasoning' ? { type: 'reasoning-end', id } : { type: 'text-end', id });
    this.open = undefined;
  }

  /** Ends every open block, tool calls in index order; a call whose name never came still ends as one. */
  private closeAll(): void {
    this.closeOpen();
    for (const [index, state] of [...this.toolCalls].sort(([left], [right]) => left - right)) {
      if (state.ended) continue;
      if (!state.started) this.startToolCall(state, index);
      state.ended = true;
      this.emit({ type: 'tool-call-end', id: toolId(state, index) });
    }
  }
}

/** The upstream's call id; a server that gives none gets one from the call's index. */
function toolId(state: ToolCallState, index: number): string {
  return state.id ?? `call_${index}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
