// What Bedrock checks in an InvokeModel body, and the answer built by the fake Anthropic upstream's own code
// so the content and usage match what a direct Anthropic call gets.
import { topLevelMembers } from '../../../src/relay/stream/json-scan.js';
import { anthropicAnswer } from '../fake-upstream/anthropic.js';
import type { Exchange } from '../fake-upstream/exchange.js';
import type { Plan } from '../fake-upstream/plan.js';
import { type BedrockFailure, bedrockFailure } from './failures.js';

const VERSION = 'bedrock-2023-05-31';

function malformed(detail: string): BedrockFailure {
  return bedrockFailure(
    400,
    'ValidationException',
    `Malformed input request: ${detail}, please reformat your input and try again.`,
  );
}

/** The checks real Bedrock applies to an Anthropic body (it rejects keys its schema does not know). */
export function checkBody(json: unknown): BedrockFailure | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return bedrockFailure(
      400,
      'ValidationException',
      'Malformed input request, please reformat your input and try again.',
    );
  }
  const body = json as Record<string, unknown>;
  for (const key of ['model', 'stream']) {
    if (Object.hasOwn(body, key)) return malformed(`#: extraneous key [${key}] is not permitted`);
  }
  if (!Object.hasOwn(body, 'anthropic_version'))
    return malformed('#: required key [anthropic_version] not found');
  if (body.anthropic_version !== VERSION)
    return malformed(`#/anthropic_version: ${VERSION} is the only supported value`);
  const betas = body.anthropic_beta;
  if (betas !== undefined && !(Array.isArray(betas) && betas.every((beta) => typeof beta === 'string'))) {
    return malformed('#/anthropic_beta: expected type: JSONArray of String');
  }
  if (typeof body.max_tokens !== 'number') return malformed('#: required key [max_tokens] not found');
  if (!Array.isArray(body.messages)) return malformed('#: required key [messages] not found');
  return undefined;
}

/** Bedrock knows Anthropic models by id (`anthropic.…`) or by ARN (inference profiles, provisioned models). */
export function isModelIdentifier(modelId: string): boolean {
  return modelId.startsWith('arn:') || /(^|\.)anthropic\.claude-/.test(modelId);
}

/** The Anthropic model name Bedrock reports for a model id: `[us.]anthropic.claude-x-20250101-v1:0` → `claude-x-20250101`. */
export function modelNameOf(modelId: string): string {
  const last = modelId.slice(modelId.lastIndexOf('/') + 1);
  const name = last.slice(last.indexOf('anthropic.') + 'anthropic.'.length);
  return name.replace(/-v\d+(:\d+)?$/, '');
}

/**
 * Length of the Anthropic body this Bedrock body was made from, when that body was compact JSON (as the SDKs
 * send it) naming `model`: the fake Anthropic upstream derives default input tokens from body length, and
 * this makes both fakes report the same usage for the same client request.
 */
export function anthropicBodyLength(body: Buffer, model: string, stream: boolean): number {
  const members = (topLevelMembers(body) ?? []).filter(
    (member) => member.name !== 'anthropic_version' && member.name !== 'anthropic_beta',
  );
  const lengths = members.map((member) => member.end - member.start);
  lengths.push(Buffer.byteLength(`"model":${JSON.stringify(model)}`));
  if (stream) lengths.push('"stream":true'.length);
  return 2 + lengths.reduce((sum, length) => sum + length, 0) + lengths.length - 1;
}

/** The fake Anthropic upstream's answer (JSON message or SSE frames) for this Bedrock call. */
export function bedrockAnswer(ex: Exchange, modelId: string, stream: boolean): Plan {
  const model = modelNameOf(modelId);
  return anthropicAnswer(ex, model, stream, anthropicBodyLength(ex.record.body, model, stream));
}
