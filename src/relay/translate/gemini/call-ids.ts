// Ids for Gemini function calls that came without one. Google sends no call ids, yet every other format pairs a
// tool result with its call by id: an answer's calls get ids from its `responseId` and their position, so a
// stream and a whole answer name the same call alike, and a request's history from the call's position.

/** The characters every format's tool-call id allows (Anthropic's are the narrowest). */
const UNSAFE = /[^A-Za-z0-9_-]/g;

export function answerCallId(responseId: string | undefined, index: number): string {
  const scope = responseId ? responseId.replace(UNSAFE, '_') : 'gemini';
  return `call_${scope}_${index}`;
}

export function historyCallId(contentIndex: number, partIndex: number): string {
  return `call_${contentIndex}_${partIndex}`;
}
