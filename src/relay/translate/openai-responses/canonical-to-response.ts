// A canonical answer as a complete Responses object for the client: each text, reasoning and call part an
// output item in order, calls named the way the client declared their tools, usage and status derived.
import type { CanonicalResponse } from '../../canonical/response.js';
import type { AnswerContext } from '../translator.js';
import { finishToResponses } from './finish-reason.js';
import {
  callItem,
  type ItemStatus,
  itemId,
  messageItem,
  reasoningItem,
  responseObject,
} from './output-items.js';
import { clientToolNames } from './tool-names.js';
import { usageToResponses } from './usage.js';

export function renderResponsesAnswer(
  response: CanonicalResponse,
  context: AnswerContext,
): Record<string, unknown> {
  const names = clientToolNames(context.request);
  const status = finishToResponses(response.finish);
  // A cut answer's last item is the one that was cut.
  const itemStatus: ItemStatus = status.status === 'incomplete' ? 'incomplete' : 'completed';
  const output = response.content.map((part, index) => {
    const last = index === response.content.length - 1;
    switch (part.type) {
      case 'text':
        return messageItem(itemId('msg', context, index), part.text, last ? itemStatus : 'completed');
      case 'reasoning':
        return reasoningItem(itemId('rs', context, index), part.text, part.signature, part.redacted);
      case 'tool-call': {
        const client = names.get(part.name);
        const kind = client?.kind === 'custom' ? 'ctc' : 'fc';
        return callItem(itemId(kind, context, index), part.id, part.name, part.input, 'completed', client);
      }
      default: {
        const unknown: never = part;
        return unknown;
      }
    }
  });
  const error =
    status.status === 'failed'
      ? { code: 'server_error', message: `The upstream answer failed (${response.finish.raw ?? 'error'})` }
      : null;
  return responseObject(context, status, output, usageToResponses(response.usage), error);
}
