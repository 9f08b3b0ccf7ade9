// One client per format, each the format's official SDK against a running relay, asking the same three
// things: a text answer (JSON or streamed), and a tool round trip (the model calls get_weather, the client
// sends the tool's result back and gets the final text). The translation tests run every client against
// every other format's upstream and compare what each saw.
import Anthropic from '@anthropic-ai/sdk';
import { type FunctionCall, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';

export type ClientFormat = 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';
export const CLIENT_FORMATS: readonly ClientFormat[] = [
  'anthropic',
  'openai-chat',
  'openai-responses',
  'gemini',
];

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The current weather in a city',
  schema: {
    type: 'object',
    properties: { city: { type: 'string', description: 'The city' } },
    required: ['city'],
  },
} as const;
/** What the tool "returns" in every round trip; the upstream's second request must carry it. */
export const TOOL_RESULT = '18C and sunny';
const PROMPT = 'What is the weather in Paris?';

/** What a client saw: the text, the tool calls (arguments parsed) and the usage its format reported. */
export interface ClientAnswer {
  text: string;
  toolCalls: { id: string; name: string; arguments: unknown }[];
  usage: { input: number; output: number } | undefined;
}

export interface FormatClient {
  text(model: string, stream: boolean): Promise<ClientAnswer>;
  /** The first turn with the tool offered; then the second with its result. Returns both answers. */
  toolRoundTrip(model: string, stream: boolean): Promise<{ call: ClientAnswer; final: ClientAnswer }>;
}

export function formatClient(format: ClientFormat, relayUrl: string, key: string): FormatClient {
  switch (format) {
    case 'anthropic':
      return anthropicClient(new Anthropic({ apiKey: key, baseURL: relayUrl, maxRetries: 0 }));
    case 'openai-chat':
      return chatClient(new OpenAI({ apiKey: key, baseURL: `${relayUrl}/v1`, maxRetries: 0 }));
    case 'openai-responses':
      return responsesClient(new OpenAI({ apiKey: key, baseURL: `${relayUrl}/v1`, maxRetries: 0 }));
    case 'gemini':
      return geminiClient(new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relayUrl } }));
  }
}

function anthropicClient(client: Anthropic): FormatClient {
  const ask = async (request: Anthropic.MessageCreateParamsNonStreaming, stream: boolean) => {
    const message = stream
      ? await client.messages.stream(request).finalMessage()
      : await client.messages.create(request);
    const answer: ClientAnswer = { text: '', toolCalls: [], usage: undefined };
    for (const block of message.content) {
      if (block.type === 'text') answer.text += block.text;
      if (block.type === 'tool_use')
        answer.toolCalls.push({ id: block.id, name: block.name, arguments: block.input });
    }
    answer.usage = { input: message.usage.input_tokens, output: message.usage.output_tokens };
    return { answer, message };
  };
  const tools: Anthropic.Tool[] = [
    {
      name: WEATHER_TOOL.name,
      description: WEATHER_TOOL.description,
      input_schema: WEATHER_TOOL.schema as unknown as Anthropic.Tool.InputSchema,
    },
  ];
  return {
    text: async (model, stream) =>
      (await ask({ model, max_tokens: 256, messages: [{ role: 'user', content: PROMPT }] }, stream)).answer,
    async toolRoundTrip(model, stream) {
      const first: Anthropic.MessageParam = { role: 'user', content: PROMPT };
      const call = await ask({ model, max_tokens: 256, tools, messages: [first] }, stream);
      const results: Anthropic.ToolResultBlockParam[] = call.answer.toolCalls.map((tool) => ({
        type: 'tool_result',
        tool_use_id: tool.id,
        content: TOOL_RESULT,
      }));
      const final = await ask(
        {
          model,
          max_tokens: 256,
          tools,
          messages: [
            first,
            { role: 'assistant', content: call.message.content },
            { role: 'user', content: results },
          ],
        },
        stream,
      );
      return { call: call.answer, final: final.answer };
    },
  };
}

function chatClient(client: OpenAI): FormatClient {
  const ask = async (
    request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
    stream: boolean,
  ): Promise<{ answer: ClientAnswer; message: OpenAI.Chat.ChatCompletionMessage }> => {
    if (!stream) {
      const completion = await client.chat.completions.create(request);
      const message = completion.choices[0]?.message;
      if (!message) throw new Error('no choice');
      return { answer: chatAnswer(message, completion.usage), message };
    }
    const runner = client.chat.completions.stream({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const completion = await runner.finalChatCompletion();
    const message = completion.choices[0]?.message;
    if (!message) throw new Error('no choice');
    return { answer: chatAnswer(message, completion.usage), message };
  };
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: WEATHER_TOOL.name,
        description: WEATHER_TOOL.description,
        parameters: WEATHER_TOOL.schema,
      },
    },
  ];
  return {
    text: async (model, stream) =>
      (await ask({ model, messages: [{ role: 'user', content: PROMPT }] }, stream)).answer,
    async toolRoundTrip(model, stream) {
      const first: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: PROMPT };
      const call = await ask({ model, tools, messages: [first] }, stream);
      const final = await ask(
        {
          model,
          tools,
          messages: [
            first,
            { role: 'assistant', content: call.message.content, tool_calls: call.message.tool_calls },
            ...call.answer.toolCalls.map(
              (tool): OpenAI.Chat.ChatCompletionToolMessageParam => ({
                role: 'tool',
                tool_call_id: tool.id,
                content: TOOL_RESULT,
              }),
            ),
          ],
        },
        stream,
      );
      return { call: call.answer, final: final.answer };
    },
  };
}

function chatAnswer(
  message: OpenAI.Chat.ChatCompletionMessage,
  usage: OpenAI.CompletionUsage | undefined,
): ClientAnswer {
  return {
    text: message.content ?? '',
    toolCalls: (message.tool_calls ?? []).flatMap((call) =>
      call.type === 'function'
        ? [
            {
              id: call.id,
              name: call.function.name,
              arguments: JSON.parse(call.function.arguments) as unknown,
            },
          ]
        : [],
    ),
    usage: usage ? { input: usage.prompt_tokens, output: usage.completion_tokens } : undefined,
  };
}

function responsesClient(client: OpenAI): FormatClient {
  const ask = async (request: OpenAI.Responses.ResponseCreateParamsNonStreaming, stream: boolean) => {
    const response = stream
      ? await client.responses.stream({ ...request, stream: true }).finalResponse()
      : await client.responses.create(request);
    const answer: ClientAnswer = { text: response.output_text, toolCalls: [], usage: undefined };
    for (const item of response.output) {
      if (item.type === 'function_call') {
        answer.toolCalls.push({ id: item.call_id, name: item.name, arguments: JSON.parse(item.arguments) });
      }
    }
    if (response.usage)
      answer.usage = { input: response.usage.input_tokens, output: response.usage.output_tokens };
    return { answer, response };
  };
  const tools: OpenAI.Responses.Tool[] = [
    {
      type: 'function',
      name: WEATHER_TOOL.name,
      description: WEATHER_TOOL.description,
      parameters: WEATHER_TOOL.schema as unknown as Record<string, unknown>,
      strict: false,
    },
  ];
  return {
    text: async (model, stream) => (await ask({ model, input: PROMPT }, stream)).answer,
    async toolRoundTrip(model, stream) {
      const first: OpenAI.Responses.ResponseInputItem = { role: 'user', content: PROMPT };
      const call = await ask({ model, tools, input: [first] }, stream);
      const history = call.response.output.filter(
        (item) => item.type === 'function_call' || item.type === 'message',
      );
      const final = await ask(
        {
          model,
          tools,
          input: [
            first,
            ...(history as OpenAI.Responses.ResponseInputItem[]),
            ...call.answer.toolCalls.map(
              (tool): OpenAI.Responses.ResponseInputItem => ({
                type: 'function_call_output',
                call_id: tool.id,
                output: TOOL_RESULT,
              }),
            ),
          ],
        },
        stream,
      );
      return { call: call.answer, final: final.answer };
    },
  };
}

function geminiClient(client: GoogleGenAI): FormatClient {
  const config = {
    tools: [
      {
        functionDeclarations: [
          {
            name: WEATHER_TOOL.name,
            description: WEATHER_TOOL.description,
            parametersJsonSchema: WEATHER_TOOL.schema,
          },
        ],
      },
    ],
  };
  type Contents = Parameters<typeof client.models.generateContent>[0]['contents'];
  const ask = async (model: string, contents: Contents, stream: boolean, withTools: boolean) => {
    const request = { model, contents, ...(withTools ? { config } : {}) };
    const answer: ClientAnswer = { text: '', toolCalls: [], usage: undefined };
    const calls: FunctionCall[] = [];
    const parts: unknown[] = [];
    const chunks = stream
      ? client.models.generateContentStream(request)
      : Promise.resolve([await client.models.generateContent(request)]);
    for await (const chunk of await chunks) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        parts.push(part);
        if (part.text && !part.thought) answer.text += part.text;
        if (part.functionCall) calls.push(part.functionCall);
      }
      const usage = chunk.usageMetadata;
      if (usage?.promptTokenCount !== undefined) {
        answer.usage = {
          input: usage.promptTokenCount,
          output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
        };
      }
    }
    answer.toolCalls = calls.map((call) => ({
      id: call.id ?? '',
      name: call.name ?? '',
      arguments: call.args,
    }));
    return { answer, parts, calls };
  };
  return {
    text: async (model, stream) => (await ask(model, PROMPT, stream, false)).answer,
    async toolRoundTrip(model, stream) {
      const first = { role: 'user', parts: [{ text: PROMPT }] };
      const call = await ask(model, [first], stream, true);
      const final = await ask(
        model,
        [
          first,
          { role: 'model', parts: call.parts as never[] },
          {
            role: 'user',
            parts: call.calls.map((tool) => ({
              functionResponse: {
                ...(tool.id ? { id: tool.id } : {}),
                name: tool.name ?? '',
                response: { result: TOOL_RESULT },
              },
            })),
          },
        ],
        stream,
        true,
      );
      return { call: call.answer, final: final.answer };
    },
  };
}
