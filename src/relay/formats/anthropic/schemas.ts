// Anthropic Messages request fields the relay reads, as lenient zod: only these are checked, and every other
// field (and everything inside messages, system and tools) passes through as the client sent it.
import { z } from 'zod';

const modelField = z
  .string({ error: 'field required (a non-empty string)' })
  .refine((model) => model.trim() !== '', 'field required (a non-empty string)')
  .refine((model) => model.length <= 256, 'is too long');

export const messagesRequestSchema = z.looseObject({
  model: modelField,
  stream: z.boolean({ error: 'must be a boolean' }).optional(),
  max_tokens: z.int({ error: 'must be a positive integer' }).min(1, 'must be a positive integer').optional(),
  // Only a string user id means anything to the relay; any other value passes through unread.
  metadata: z.unknown().optional(),
});
export type MessagesRequestFields = z.output<typeof messagesRequestSchema>;
