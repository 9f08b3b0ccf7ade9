// Code Assist's wire format around the public Gemini one: requests go as `{model, project, user_prompt_id,
// request: <the client's body>}` (the client's bytes inserted, not re-serialised), token counts as
// `{request: {model: "models/<id>", contents}}`; answers come back as `{response: <GenerateContentResponse>,
// traceId}`, streamed as SSE events of that shape, and are unwrapped for a public-API client, in the stream
// framing it asked for (SSE with `alt=sse`, else one JSON array).
import { randomUUID } from 'node:crypto';
import type { ResponseTranslation } from '../../exchange/stream-tap.js';
import { spliceTopLevelString } from '../../stream/json-field-splice.js';
import { topLevelFields } from '../../stream/json-scan.js';
import { SseParser } from '../../stream/sse-parser.js';
import { googleHttpError } from './errors.js';

export function wrapGenerate(body: Buffer, model: string, project: string): Buffer {
  return Buffer.concat([
    Buffer.from(
      `{"model":${JSON.stringify(model)},"project":${JSON.stringify(project)},` +
        `"user_prompt_id":"${randomUUID()}","request":`,
    ),
    body,
    Buffer.from('}'),
  ]);
}

/**
 * A request Gemini CLI wrapped itself (its Code Assist mode), with the account's project in place of the one the
 * CLI was handed by the relay; every other byte as the client sent it.
 */
export function withProject(body: Buffer, project: string): Buffer {
  const spliced = spliceTopLevelString(body, 'project', project);
  if (spliced) return spliced;
  return Buffer.concat([
    Buffer.from(`{"project":${JSON.stringify(project)},`),
    body.subarray(body.indexOf('{') + 1),
  ]);
}

/** Code Assist counts `contents` only: a `generateContentRequest`'s contents are taken from inside it. */
export function wrapCountTokens(body: Buffer, model: string): Buffer {
  const head = Buffer.from(`{"request":{"model":${JSON.stringify(`models/${model}`)},"contents":`);
  const range = topLevelFields(body, ['contents']).get('contents');
  if (range) return Buffer.concat([head, body.subarray(range.start, range.end), Buffer.from('}}')]);
  const nested = JSON.parse(body.toString('utf8')) as { generateContentRequest?: { contents?: unknown } };
  return Buffer.concat([
    head,
    Buffer.from(JSON.stringify(nested.generateContentRequest?.contents ?? [])),
    Buffer.from('}}'),
  ]);
}

/** The `response` of a wrapped answer, as its bytes; the body itself when it is not wrapped (a token count). */
function unwrap(json: Buffer): Buffer {
  const range = topLevelFields(json, ['response']).get('response');
  return range ? json.subarray(range.start, range.end) : json;
}

/** An error Code Assist put in a stream (an object, or an array holding one) as the public API's error chunk. */
function streamError(json: Buffer): Buffer | undefined {
  const text = json.toString('utf8');
  if (!text.includes('"error"')) return undefined;
  try {
    let parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) parsed = parsed[0];
    const error = (parsed as { error?: unknown } | null)?.error;
    return error === undefined ? undefined : Buffer.from(JSON.stringify({ error }));
  } catch {
    return undefined;
  }
}

function wantsSse(clientQuery: string): boolean {
  return new URLSearchParams(clientQuery).get('alt') === 'sse';
}

export const codeAssistTranslation: ResponseTranslation = {
  streamContentType: 'text/event-stream',
  clientStreamContentType: (clientQuery) =>
    wantsSse(clientQuery) ? 'text/event-stream' : 'application/json; charset=UTF-8',
  createStreamConverter(clientQuery) {
    const sse = wantsSse(clientQuery);
    let out: Buffer[] = [];
    let chunks = 0;
    const emit = (json: Buffer) => {
      if (sse) out.push(Buffer.from('data: '), json, Buffer.from('\r\n\r\n'));
      else out.push(Buffer.from(chunks === 0 ? '[' : ',\r\n'), json);
      chunks += 1;
    };
    const parser = new SseParser((_event, data) => {
      const json = Buffer.from(data);
      const range = topLevelFields(json, ['response']).get('response');
      if (range) emit(json.subarray(range.start, range.end));
      else {
        const error = streamError(json);
        if (error) emit(error);
      }
    });
    const take = () => {
      const taken = out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
      out = [];
      return taken;
    };
    return {
      push(chunk) {
        parser.push(chunk);
        return take();
      },
      end() {
        parser.end();
        if (!sse) out.push(Buffer.from(chunks === 0 ? '[]' : ']'));
        return take();
      },
    };
  },
  convertBody: unwrap,
  httpError: googleHttpError,
};
