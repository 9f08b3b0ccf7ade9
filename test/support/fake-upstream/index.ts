// Entry point of the fake upstream AI provider (Anthropic, OpenAI Chat/Responses, Codex's ChatGPT backend, Gemini)
// used by tests and bench.

export { DEFAULT_TEXT } from './scenario.js';
export { startFakeUpstream } from './server.js';
export { anthropicSseFrame, parseSseFrames, type SseFrame } from './sse.js';
export type {
  FakeUpstream,
  RecordedRequest,
  Scenario,
  StartFakeUpstreamOptions,
  ToolCall,
  Usage,
} from './types.js';
