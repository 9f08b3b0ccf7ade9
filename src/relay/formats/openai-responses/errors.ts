// Responses clients (the openai SDK, Codex) read `{error:{message,type,param,code}}`. A stream that has begun
// ends with the API's own `error` event (`{type:"error",code,message,param,sequence_number}`), which the
// openai SDK raises as an APIError and Codex reports instead of waiting for `response.completed`.
import type { AppError } from '../../../errors/app-error.js';
import type { ErrorShape } from '../../../errors/error-shape.js';
import { openaiErrorShape } from '../../../errors/shapes.js';

/** The in-stream error event, numbered after the last event the client saw. */
export function responsesErrorEvent(error: AppError, sequenceNumber: number): string {
  const event = {
    type: 'error',
    code: error.code,
    message: error.message,
    param: null,
    sequence_number: sequenceNumber,
  };
  return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
}

export const responsesErrors: ErrorShape = {
  name: 'openai-responses',
  body: openaiErrorShape.body,
  streamFrame: (error) => responsesErrorEvent(error, 0),
};
