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

/**
 * Gemini CLI in its Code Assist mode wraps the same request: `{model, project, user_prompt_id, request}`; the
 * project is the relay's to choose (the account's), so it is not checked.
 */
export const codeAssistGenerateSchema = z.looseObject({
  model: z
    .string({ error: 'field required (a model name)' })
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be a model name'),
  request: z.looseObject(
    { contents, generationConfig: generationConfig.nullish() },
    {
      error: 'field required (the GenerateContentRequest)',
    },
  ),
});
export const codeAssistCountSchema = z.looseObject({
  request: z.looseObject({
    model: z
      .string({ error: 'field required (models/<model>)' })
      .regex(/^(models\/)?[A-Za-z0-9._-]{1,128}$/, 'must be models/<model>'),
    contents,
  }),
});

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
