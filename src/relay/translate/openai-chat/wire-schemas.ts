// The Chat Completions request fields the translator reads, as lenient zod: a field of the wrong type is the
// client's 400 naming it; unknown fields survive for the reader to record (hints) or refuse (unsupported).
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';

const finite = z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number');
const text = z.string({ error: 'must be a string' });

export const chatBodySchema = z.looseObject({
  messages: z.array(z.looseObject({ role: text }), { error: 'field required (an array of messages)' }),
  tools: z.array(z.looseObject({ type: text })).nullish(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: text })]).nullish(),
  parallel_tool_calls: z.boolean({ error: 'must be a boolean' }).nullish(),
  max_completion_tokens: z.int({ error: 'must be a positive integer' }).min(1).nullish(),
  max_tokens: z.int({ error: 'must be a positive integer' }).min(1).nullish(),
  temperature: finite.nullish(),
  top_p: finite.nullish(),
  stop: z.union([text, z.array(text)]).nullish(),
  seed: z.int({ error: 'must be an integer' }).nullish(),
  presence_penalty: finite.nullish(),
  frequency_penalty: finite.nullish(),
  response_format: z.looseObject({ type: text }).nullish(),
  reasoning_effort: text.nullish(),
  user: text.nullish(),
});
export type ChatBody = z.output<typeof chatBodySchema>;

export const textPartSchema = z.looseObject({ type: z.literal('text'), text });
export const imagePartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: text }),
});
export const filePartSchema = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({ file_data: text.nullish(), file_id: text.nullish(), filename: text.nullish() }),
});
export const refusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: text });

const anyPart = z.looseObject({ type: text });
export const contentSchema = z.union([text, z.array(anyPart)], {
  error: 'must be a string or an array of content parts',
});

export const systemMessageSchema = z.looseObject({ content: contentSchema });
export const userMessageSchema = z.looseObject({ content: contentSchema });
export const assistantMessageSchema = z.looseObject({
  content: contentSchema.nullish(),
  refusal: text.nullish(),
  tool_calls: z.array(z.looseObject({ id: text, type: text })).nullish(),
});
export const toolMessageSchema = z.looseObject({ tool_call_id: text, content: contentSchema });

export const functionCallSchema = z.looseObject({
  function: z.looseObject({ name: text, arguments: text }),
});
export const functionToolSchema = z.looseObject({
  function: z.looseObject({
    name: text,
    description: text.nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean({ error: 'must be a boolean' }).nullish(),
  }),
});
export const namedToolChoiceSchema = z.looseObject({ function: z.looseObject({ name: text }) });
export const jsonSchemaFormatSchema = z.looseObject({
  json_schema: z.looseObject({
    name: text.nullish(),
    schema: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean({ error: 'must be a boolean' }).nullish(),
  }),
});

/** Checks one value against its schema; the first problem is a 400 naming its path under `at`. */
export function readAs<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  at: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [
    at,
    ...(issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)) ?? []),
  ]
    .join('')
    .replace(/^\./, '');
  throw invalidField(field, issue?.message ?? 'is invalid');
}

/** The 400 for a field that cannot be read, named the way OpenAI names it (`messages[1].content[0].text`). */
export function invalidField(field: string, why: string): AppError {
  return new AppError('invalid_request', `${field}: ${why}`, { details: { field } });
}
