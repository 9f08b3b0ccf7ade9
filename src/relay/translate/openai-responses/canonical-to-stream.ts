// Encodes canonical parts as the Responses stream Codex and the openai SDK read: `response.created` and
// `response.in_progress`, the items' events, then one final event carrying the whole response with its usage
// (`response.completed`, `response.incomplete` for a cut or filtered answer, `response.failed`). The final event
// waits for end(), since usage may follow the finish reason.
import type { AppError } from '../../../errors/app-error.js';
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { CanonicalStreamError, StreamPart } from '../../canonical/response.js';
import type { CanonicalUsage } from '../../canonical/usage.js';
import { responsesErrorEvent } from '../../formats/openai-responses/errors.js';
import type { AnswerContext, StreamEncoder } from '../translator.js';
import { finishToResponses } from './finish-reason.js';
import { responseObject } from './output-items.js';
import { StreamOutput } from './stream-output.js';
import { clientToolNames } from './tool-names.js';
import { usageToResponses } from './usage.js';

export class ResponsesStreamEncoder implements StreamEncoder {
  private readonly output: StreamOutput;
  private started = false;
  private closed = false;
  private usage: CanonicalUsage | undefined;
  private finish: FinishReason | undefined;

  constructor(private readonly context: AnswerContext) {
    this.output = new StreamOutput(context, clientToolNames(context.request));
  }

  write(parts: readonly StreamPart[]): string {
    let text = '';
    for (const part of parts) {
      if (this.closed) break;
      text += this.part(part);
    }
    return text;
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    const status = finishToResponses(this.finish);
    let text =
      this.begin() + this.output.closeAll(status.status === 'incomplete' ? 'incomplete' : 'completed');
    const usage = this.usage === undefined ? null : usageToResponses(this.usage);
    if (status.status === 'failed') {
      // An error finish, or none at all: the upstream answer stopped short of its end.
      const error = { code: 'server_error', message: failureMessage(this.finish) };
      const response = responseObject(this.context, status, this.output.output(), usage, error);
      return text + this.output.event('response.failed', { response });
    }
    const response = responseObject(this.context, status, this.output.output(), usage);
    text += this.output.event(`response.${status.status}`, { response });
    return text;
  }

  fail(error: AppError): string {
    if (this.closed) return '';
    const text = this.begin() + responsesErrorEvent(error, this.output.sequence);
    this.output.sequence += 1;
    return text + this.failed({ code: error.upstreamCode ?? error.code, message: error.message });
  }

  private part(part: StreamPart): string {
    switch (part.type) {
      case 'start':
        return this.begin();
      case 'text-start':
        return this.begin() + this.output.start(part.id, 'message').events;
      case 'text-delta':
        return this.begin() + this.output.delta(part.id, 'message', part.delta);
      case 'text-end':
        return this.output.close(part.id, 'completed');
      case 'reasoning-start':
        return this.begin() + this.output.start(part.id, 'reasoning', '', part.redacted).events;
      case 'reasoning-delta':
        return this.begin() + this.output.delta(part.id, 'reasoning', part.delta);
      case 'reasoning-end':
        return this.output.close(part.id, 'completed', part.signature);
      case 'tool-call-start':
        return this.begin() + this.output.start(part.id, 'call', part.name).events;
      case 'tool-call-delta':
        return this.begin() + this.output.delta(part.id, 'call', part.delta);
      case 'tool-call-end':
        return this.output.close(part.id, 'completed');
      case 'usage':
        this.usage = part.usage;
        return '';
      case 'finish':
        this.finish = part.reason;
        return '';
      case 'error':
        return this.begin() + this.upstreamError(part.error);
      default: {
        const unknown: never = part;
        return unknown;
      }
    }
  }

  private begin(): string {
    if (this.started) return '';
    this.started = true;
    const status = { status: 'in_progress' as const, incomplete_details: null };
    const response = responseObject(this.context, status, [], null);
    return (
      this.output.event('response.created', { response }) +
      this.output.event('response.in_progress', { response })
    );
  }

  /** The upstream's in-stream error, as OpenAI sends its own: an `error` event, then `response.failed`. */
  private upstreamError(error: CanonicalStreamError): string {
    const text = this.output.event('error', { code: error.type, message: error.message, param: null });
    return text + this.failed({ code: error.type, message: error.message });
  }

  private failed(error: { code: string; message: string }): string {
    this.closed = true;
    const usage = this.usage === undefined ? null : usageToResponses(this.usage);
    const status = { status: 'failed' as const, incomplete_details: null };
    const response = responseObject(this.context, status, this.output.output(), usage, error);
    return this.output.event('response.failed', { response });
  }
}

function failureMessage(finish: FinishReason | undefined): string {
  return finish === undefined
    ? 'The upstream answer ended before it finished'
    : `The upstream answer ended with an error (${finish.raw ?? 'error'})`;
}
