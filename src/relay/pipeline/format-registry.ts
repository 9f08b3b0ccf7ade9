// Every format this build serves, by name: for callers that start from an account's provider rather than a
// route (the connection tester asks the provider's format for its smallest request).
import { anthropicFormat } from '../formats/anthropic/format.js';
import { codeAssistFormat, geminiFormat } from '../formats/gemini/format.js';
import { chatFormat } from '../formats/openai-chat/format.js';
import { responsesFormat } from '../formats/openai-responses/format.js';
import type { FormatName, RelayFormat } from '../formats/relay-format.js';

export const FORMATS: Readonly<Record<FormatName, RelayFormat>> = {
  anthropic: anthropicFormat,
  'openai-responses': responsesFormat,
  'openai-chat': chatFormat,
  gemini: geminiFormat,
  'gemini-code-assist': codeAssistFormat,
};
