// The canonical request: what every client format's generation request can say, in one shape, so that a
// request in one format can be rendered in another (DESIGN §2: formats meet only here). Values no field holds
// are kept beside the request (`hints`, `unsupported`), never dropped without a record.

/** Plain text; `raw` is the part as the client sent it (cache markers, citations), for what has no field. */
export interface TextPart {
  type: 'text';
  text: string;
  raw?: unknown;
}

/** An image or document, inline (base64) or by URL. */
export interface FilePart {
  type: 'file';
  mediaType: string;
  /** Base64 bytes; exactly one of `data` and `url` is set. */
  data?: string;
  url?: string;
  raw?: unknown;
}

/** The model's reasoning as its provider showed it, with the provider's proof of it where one is given. */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Anthropic's `signature`, Gemini's `thoughtSignature`, Responses' `encrypted_content`. */
  signature?: string;
  /** Reasoning the provider hid (Anthropic's `redacted_thinking` data). */
  redacted?: string;
  raw?: unknown;
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  input: string;
  /** Gemini's `thoughtSignature` on a function call, which it asks to have back with the call. */
  signature?: string;
  raw?: unknown;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** The tool's name where the format carries it (Gemini's `functionResponse` needs it). */
  name?: string;
  content: (TextPart | FilePart)[];
  isError?: boolean;
  raw?: unknown;
}

export type UserPart = TextPart | FilePart | ToolResultPart;
export type AssistantPart = TextPart | FilePart | ReasoningPart | ToolCallPart;

/**
 * A turn of the conversation. `system` is an instruction given in the middle of it (Claude Code's reminders,
 * Codex's developer messages when a setting changes); instructions before the first turn are `system` above.
 */
export type CanonicalMessage =
  | { role: 'user'; content: UserPart[] }
  | { role: 'assistant'; content: AssistantPart[] }
  | { role: 'system'; content: TextPart[] };

export type ConversationMessage = Exclude<CanonicalMessage, { role: 'system' }>;

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  /** A JSON Schema object. */
  inputSchema: Record<string, unknown>;
  strict?: boolean;
  raw?: unknown;
}

/** A tool the provider runs itself (web search); rendered only where the target has the same one. */
export interface ProviderTool {
  type: 'provider';
  /** The relay's name for it, the same across formats: `web_search`. */
  kind: string;
  raw: unknown;
}

export type CanonicalTool = FunctionTool | ProviderTool;

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

export interface ReasoningRequest {
  /** Thinking off (Anthropic `disabled`, Gemini budget 0). */
  enabled: boolean;
  effort?: ReasoningEffort;
  /** A token budget (Anthropic `budget_tokens`, Gemini `thinkingBudget`). */
  budgetTokens?: number;
  /** Whether the client wants to see the reasoning (summaries, thoughts). */
  include?: boolean;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json'; schema?: Record<string, unknown>; name?: string; strict?: boolean };

/**
 * A feature of the client's request that changes the answer and has no canonical field (a provider's own
 * server tool, several choices per request): a translation to another format refuses it, naming it.
 */
export interface UnsupportedFeature {
  /** The client format's own name for it: `tools[2].type=computer_20250124`, `n`. */
  feature: string;
  value: unknown;
}

export interface CanonicalRequest {
  model: string;
  stream: boolean;
  system: TextPart[];
  messages: CanonicalMessage[];
  tools: CanonicalTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningRequest;
  /** An end-user id for the provider's abuse checks (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /**
   * Fields of the client's request that only tune how the provider serves it (cache keys and markers, storage,
   * service tier, stream options): kept by their client-format names; a target with no such field goes without.
   */
  hints: Record<string, unknown>;
  unsupported: UnsupportedFeature[];
}
