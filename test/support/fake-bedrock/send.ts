// Writes the answer the way Bedrock does (JSON for invoke, event-stream frames for the streaming call),
// applying the scenario's timing and failure knobs. Stream frames are deliberately written straddling writes.
import { randomUUID } from 'node:crypto';
import type { Exchange } from '../fake-upstream/exchange.js';
import type { JsonPlan, StreamPlan } from '../fake-upstream/plan.js';
import { parseSseFrames } from '../fake-upstream/sse.js';
import type { Usage } from '../fake-upstream/types.js';
import { chunkFrame, exceptionFrame } from './frames.js';
import type { BedrockScenario } from './types.js';

const EMPTY: Buffer = Buffer.alloc(0);

function withScenarioHeaders(
  scenario: BedrockScenario,
  headers: Record<string, string>,
): Record<string, string> {
  const merged = { ...headers };
  for (const [name, value] of Object.entries(scenario.headers ?? {})) merged[name.toLowerCase()] = value;
  return merged;
}

export function sendInvoke(
  ex: Exchange,
  scenario: BedrockScenario,
  plan: JsonPlan,
  usage: Usage,
  startedAt: number,
): void {
  const body = Buffer.from(plan.body);
  ex.res.writeHead(
    plan.status,
    withScenarioHeaders(scenario, {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-amzn-requestid': randomUUID(),
      'x-amzn-bedrock-invocation-latency': String(Date.now() - startedAt),
      'x-amzn-bedrock-input-token-count': String(usage.inputTokens),
      'x-amzn-bedrock-output-token-count': String(usage.outputTokens),
    }),
  );
  if (scenario.stallAfterEvents !== undefined) {
    ex.res.flushHeaders(); // headers only, then silence
    return;
  }
  if (scenario.cutAfterEvents !== undefined) {
    ex.res.write(body.subarray(0, Math.floor(body.length / 2)));
    ex.cut();
    return;
  }
  ex.res.end(body);
  if (plan.usage !== undefined) ex.record.reportedUsage = plan.usage;
}

/** The Anthropic event of an SSE frame as a Bedrock chunk; message_stop gains Bedrock's invocation metrics. */
function toChunk(sse: string, usage: Usage, startedAt: number, firstByteAt: number): Buffer {
  const frame = parseSseFrames(sse)[0];
  if (frame === undefined) throw new Error(`fake Bedrock: not an SSE frame: ${sse}`);
  if (frame.event !== 'message_stop') return chunkFrame(frame.data);
  const event = { ...(JSON.parse(frame.data) as Record<string, unknown>) };
  event['amazon-bedrock-invocationMetrics'] = {
    inputTokenCount: usage.inputTokens,
    outputTokenCount: usage.outputTokens,
    invocationLatency: Date.now() - startedAt,
    firstByteLatency: firstByteAt - startedAt,
  };
  return chunkFrame(JSON.stringify(event));
}

/**
 * Writes every odd frame in two halves: the first half ends one write, the second starts the next one together
 * with the following frame, so a reader sees frames split across chunks and several frames per chunk.
 */
export async function sendStream(
  ex: Exchange,
  scenario: BedrockScenario,
  plan: StreamPlan,
  usage: Usage,
  startedAt: number,
): Promise<void> {
  const res = ex.res;
  res.writeHead(
    plan.status,
    withScenarioHeaders(scenario, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-bedrock-content-type': 'application/json',
    }),
  );
  res.flushHeaders();
  const firstByteAt = Date.now();
  const gap = scenario.eventDelayMs ?? 0;
  let carry = EMPTY;
  const flush = (): void => {
    if (carry.length > 0) res.write(carry);
    carry = EMPTY;
  };
  for (let index = 0; ; index++) {
    if (ex.closed) return;
    const frame = plan.frames[index];
    if (index === scenario.stallAfterEvents) {
      flush();
      return; // hang until the client aborts or close() destroys the socket
    }
    if (index === scenario.cutAfterEvents) {
      if (scenario.cutMidFrame !== false && frame !== undefined) {
        const bytes = toChunk(frame.data, usage, startedAt, firstByteAt);
        carry = Buffer.concat([carry, bytes.subarray(0, Math.floor(bytes.length / 2))]);
      }
      flush();
      ex.cut();
      return;
    }
    if (index === scenario.errorEventAfterEvents) {
      const exception = scenario.exception ?? 'modelStreamErrorException';
      const message =
        scenario.exceptionMessage ?? 'The model stream ended with an error. Try your request again.';
      res.end(Buffer.concat([carry, exceptionFrame(exception, message)]));
      return;
    }
    if (frame === undefined) break;
    if (index > 0 && gap > 0) {
      flush();
      if (!(await ex.sleep(gap))) return;
    }
    const bytes = toChunk(frame.data, usage, startedAt, firstByteAt);
    if (index % 2 === 1) {
      const middle = Math.floor(bytes.length / 2);
      res.write(Buffer.concat([carry, bytes.subarray(0, middle)]));
      carry = bytes.subarray(middle);
    } else {
      carry = Buffer.concat([carry, bytes]);
    }
    if (frame.usage !== undefined) ex.record.reportedUsage = frame.usage;
  }
  res.end(carry);
}
