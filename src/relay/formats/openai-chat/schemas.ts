// OpenAI Chat Completions request fields the relay reads, as lenient zod: only these are checked, and every
// other field (messages, tools, response_format, …) passes through untouched.
import { z } from 'zod';

const outputBound = z
  .int({ error: 'must be a positive integer' })
  .min(1, 'must be a positive integer')
  .nullish();

export const chatRequestSchema = z.looseObject({
  model: z
    .string({ error: 'field required (a non-empty string)' })
    .refine((model) => model.trim() !== '', 'field required (a non-empty string)')
    .refine((model) => model.length <= 256, 'is too long'),
  messages: z.array(z.unknown(), { error: 'field required (an array of messages)' }),
  stream: z.boolean({ error: 'must be a boolean' }).nullish(),
  stream_options: z
    .looseObject({ include_usage: z.boolean({ error: 'must be a boolean' }).nullish() })
    .nullish(),
  max_completion_tokens: outputBound,
  max_tokens: outputBound,
  // One answer per request: admission bounds, and the ledger records, one completion.
  n: z
    .int({ error: 'must be 1' })
    .refine((n) => n === 1, 'must be 1: this relay serves one choice per request')
    .nullish(),
  prompt_cache_key: z.string({ error: 'must be a string' }).max(1024, 'is too long').nullish(),
});
export type ChatRequestFields = z.output<typeof chatRequestSchema>;
