// For formats whose instructions can only come before the conversation (Anthropic's `system`, Gemini's
// `systemInstruction`): instructions given in the middle of it join those, in order, so the model still reads
// every one of them; only where they stood is lost, which such a format cannot say.
import type { CanonicalRequest, ConversationMessage, TextPart } from './request.js';

export function hoistSystemMessages(request: CanonicalRequest): {
  system: TextPart[];
  messages: ConversationMessage[];
} {
  if (!request.messages.some((message) => message.role === 'system')) {
    return { system: request.system, messages: request.messages as ConversationMessage[] };
  }
  const system = [...request.system];
  const messages: ConversationMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') system.push(...message.content);
    else messages.push(message);
  }
  return { system, messages };
}
