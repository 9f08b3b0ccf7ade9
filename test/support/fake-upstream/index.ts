// Entry point of the fake upstream AI provider (Anthropic, OpenAI Chat/Responses, Codex's ChatGPT backend, Gemini,
// Factory's gateway) used by tests and bench.

export { fakeThinkingSignature } from './anthropic.js';
export { DEFAULT_CODE_ASSIST_PROJECT } from './code-assist.js';
export { fakeThoughtSignature } from './gemini.js';
export { DEFAULT_TEXT } from './scenario.js';
export { startFakeUpstream } from './server.js';
export { anthropicSseFrame, parseSseFrames, type SseFrame } from './sse.js';
export type {
  CodeAssistMethod,
  CodeAssistSetupMethod,
  CodeAssistTierState,
  FakeCodeAssist,
  FakeUpstream,
  RecordedRequest,
  Scenario,
  StartFakeUpstreamOptions,
  ToolCall,
  Usage,
} from './types.js';
