// OpenAI Responses request fields the relay reads, as lenient zod: only these are checked, and every other
// field (input items, `namespace` tools, `store`, `include`, reasoning settings) passes through untouched.
import { z } from 'zod';

export const responsesRequestSchema = z.looseObject({
  model: z
    .string({ error: 'field required (a non-empty string)' })
    .refine((model) => model.trim() !== '', 'field required (a non-empty string)')
    .refine((model) => model.length <= 256, 'is too long'),
  stream: z.boolean({ error: 'must be a boolean' }).nullish(),
  max_output_tokens: z
    .int({ error: 'must be a positive integer' })
    .min(1, 'must be a positive integer')
    .nullish(),
  // Codex names its conversation here (and in its `session-id` header); any other value is not a name.
  prompt_cache_key: z.string({ error: 'must be a string' }).max(1024, 'is too long').nullish(),
  input: z
    .union([z.string(), z.array(z.unknown())], { error: 'must be a string or an array of items' })
    .optional(),
});
export type ResponsesRequestFields = z.output<typeof responsesRequestSchema>;
