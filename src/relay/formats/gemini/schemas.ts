// Gemini request fields the relay reads, as lenient zod: only these are checked, and every other field (parts
// with their `thoughtSignature` and function-call ids, tools, safety settings) passes through untouched.
import { z } from 'zod';

const generationConfig = z.looseObject({
  maxOutputTokens: z
    .int({ error: 'must be a positive integer' })
    .min(1, 'must be a positive integer')
    .nullish(),
  thinkingConfig: z
    .looseObject({ thinkingBudget: z.int({ error: 'must be an integer' }).nullish() })
    .nullish(),
});

const contents = z.array(z.unknown(), { error: 'field required (an array of contents)' });

export const geminiGenerateSchema = z.looseObject({
  contents,
  generationConfig: generationConfig.nullish(),
});
export type GeminiGenerateFields = z.output<typeof geminiGenerateSchema>;

/** `countTokens` takes either `contents` or a whole `generateContentRequest` (to count tools and the system too). */
export const geminiCountSchema = z
  .looseObject({
    contents: contents.optional(),
    generateContentRequest: z.looseObject({ contents }).optional(),
  })
  .refine((body) => body.contents !== undefined || body.generateContentRequest !== undefined, {
    error: 'field required (an array of contents, or a generateContentRequest)',
    path: ['contents'],
  });
