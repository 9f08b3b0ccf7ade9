// The model-family table: which pool a model name belongs to, whatever its case, and none for a family no row
// names (those are refused, or served only where an account names them).
import { describe, expect, it } from 'vitest';
import { platformOfModel } from '../../src/services/domain/model-platforms.js';

describe('platformOfModel', () => {
  it('puts each provider family in its pool', () => {
    const cases: Array<[string, string]> = [
      ['gpt-5-mini', 'openai'],
      ['gpt-4o-2024-11-20', 'openai'],
      ['o1', 'openai'],
      ['o3-mini', 'openai'],
      ['o4-mini', 'openai'],
      ['codex-mini-latest', 'openai'],
      ['chatgpt-4o-latest', 'openai'],
      ['ft:gpt-4o-mini:acme::abc123', 'openai'],
      ['claude-sonnet-4-5-20250929', 'claude'],
      ['gemini-2.5-flash', 'gemini'],
      ['gemma-3-27b-it', 'gemini'],
      ['GPT-4O', 'openai'],
      ['Claude-Opus-4-1', 'claude'],
    ];
    for (const [model, platform] of cases)
      expect({ model, platform: platformOfModel(model) }).toEqual({ model, platform });
  });

  it('names no pool for a family it does not know', () => {
    for (const model of ['llama-3.1-70b', 'deepseek-chat', 'team-fast', 'gpt', 'o2-mini', 'claude', '']) {
      expect({ model, platform: platformOfModel(model) }).toEqual({ model, platform: undefined });
    }
  });
});
