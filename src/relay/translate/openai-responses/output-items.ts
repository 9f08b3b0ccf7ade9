// The Responses objects an answer is made of, built the same way for a complete answer and a stream: output
// items (message, reasoning, function and freeform calls), their ids derived from the relay's request id, and
// the response envelope that `response.created` and `response.completed` carry.
import type { AnswerContext } from '../translator.js';
import type { ResponsesStatus } from './finish-reason.js';
import { encryptedContentOf } from './reasoning-proof.js';
import { type ClientToolName, freeformInput } from './tool-names.js';
import type { ResponsesUsage } from './usage.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';
export type ItemKind = 'msg' | 'rs' | 'fc' | 'ctc';

/** OpenAI's id style (`msg_…`, `fc_…`): a kind prefix and letters and digits, unique within the answer. */
export function itemId(kind: ItemKind, context: AnswerContext, index: number): string {
  return `${kind}_${idBase(context)}${index.toString(16).padStart(4, '0')}`;
}

export function responseId(context: AnswerContext): string {
  return `resp_${idBase(context)}`;
}

function idBase(context: AnswerContext): string {
  return context.requestId.replace(/^req_/, '').replace(/[^A-Za-z0-9]/g, '');
}

export function messageItem(id: string, text: string, status: ItemStatus): Record<string, unknown> {
  return { id, type: 'message', status, content: [outputText(text)], role: 'assistant' };
}

export function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function reasoningItem(
  id: string,
  text: string,
  signature: string | undefined,
  redacted: string | undefined,
): Record<string, unknown> {
  const encrypted = encryptedContentOf(signature, redacted);
  return {
    id,
    type: 'reasoning',
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
    ...(encrypted === undefined ? {} : { encrypted_content: encrypted }),
  };
}

/**
 * A call as the client declared its tool: a function call, or a freeform tool's `custom_tool_call` with the
 * text of its `input`, under the tool's own name and namespace.
 */
export function callItem(
  id: string,
  callId: string,
  name: string,
  argumentsJson: string,
  status: ItemStatus,
  client: ClientToolName | undefined,
): Record<string, unknown> {
  const namespace = client?.namespace === undefined ? {} : { namespace: client.namespace };
  if (client?.kind === 'custom') {
    return {
      id,
      type: 'custom_tool_call',
      status,
      call_id: callId,
      name: client.name,
      input: freeformInput(argumentsJson),
      ...namespace,
    };
  }
  return {
    id,
    type: 'function_call',
    status,
    arguments: argumentsJson,
    call_id: callId,
    name: client?.name ?? name,
    ...namespace,
  };
}

/** The response object, with the request's settings echoed as OpenAI echoes them. */
export function responseObject(
  context: AnswerContext,
  status: ResponsesStatus | { status: 'in_progress'; incomplete_details: null },
  output: unknown[],
  usage: ResponsesUsage | null,
  error: { code: string; message: string } | null = null,
): Record<string, unknown> {
  const request = context.request;
  return {
    id: responseId(context),
    object: 'response',
    created_at: context.created,
    status: status.status,
    background: false,
    error,
    incomplete_details: status.incomplete_details,
    instructions: null,
    max_output_tokens: request.maxOutputTokens ?? null,
    model: context.model,
    output,
    parallel_tool_calls: request.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: {
      effort: request.reasoning?.effort ?? null,
      summary: request.reasoning?.include ? 'auto' : null,
    },
    store: false,
    temperature: request.temperature ?? 1,
    text: { format: { type: request.responseFormat?.type === 'json' ? 'json_object' : 'text' } },
    tool_choice:
      request.toolChoice?.type === 'tool'
        ? { type: 'function', name: request.toolChoice.name }
        : (request.toolChoice?.type ?? 'auto'),
    tools: [],
    top_p: request.topP ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
  };
}
