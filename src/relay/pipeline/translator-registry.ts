// Every format's translator by name: the pipeline composes two of them when a client's format is not the
// account's. Formats Code Assist alone speaks have none.
import type { FormatName } from '../formats/relay-format.js';
import { anthropicTranslator } from '../translate/anthropic/translator.js';
import { geminiTranslator } from '../translate/gemini/translator.js';
import { chatTranslator } from '../translate/openai-chat/translator.js';
import { responsesTranslator } from '../translate/openai-responses/translator.js';
import type { FormatTranslator, TranslatedFormat } from '../translate/translator.js';

const TRANSLATORS: Readonly<Record<TranslatedFormat, FormatTranslator>> = {
  anthropic: anthropicTranslator,
  'openai-chat': chatTranslator,
  'openai-responses': responsesTranslator,
  gemini: geminiTranslator,
};

export function translatorOf(format: FormatName): FormatTranslator {
  if (format === 'gemini-code-assist') throw new Error('Code Assist requests are not translated');
  return TRANSLATORS[format];
}
