// Calls to the fake upstream's Code Assist API (/v1internal) over plain fetch, with the request values, the recorded
// Gemini CLI fixtures, the answer readers and the per-test fake the fake-code-assist-*.test.ts files share.
import { readFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import {
  DEFAULT_CODE_ASSIST_PROJECT,
  DEFAULT_TEXT,
  type FakeUpstream,
  parseSseFrames,
  type StartFakeUpstreamOptions,
  startFakeUpstream,
} from './fake-upstream/index.js';

export const TOKEN = 'ya29.fake-access-token';
export const PROJECT = DEFAULT_CODE_ASSIST_PROJECT;
export const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
export const CONTENTS = [{ role: 'user', parts: [{ text: 'hi' }] }];
export const GENERATE = {
  model: 'gemini-2.5-pro',
  project: PROJECT,
  user_prompt_id: 'prompt-1',
  request: { contents: CONTENTS, session_id: 'session-1' },
};
export const METADATA = {
  ideType: 'IDE_UNSPECIFIED',
  platform: 'PLATFORM_UNSPECIFIED',
  pluginType: 'GEMINI',
};
export const WORDS = DEFAULT_TEXT.split(/\s+/).length;

/** POSTs `body` to `<url>/v1internal:<method><query>`. */
export function postCodeAssist(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = HEADERS,
  query = '',
): Promise<Response> {
  return fetch(`${url}/v1internal:${method}${query}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

/** A recorded Gemini CLI request or answer from test/fixtures/gemini. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/gemini/${name}`, import.meta.url), 'utf8'));
}

export interface Wrapper {
  response: {
    candidates: { content: { parts: Record<string, unknown>[]; role: string }; finishReason?: string }[];
    usageMetadata: Record<string, number>;
    modelVersion: string;
    responseId: string;
  };
  traceId: string;
}

export function sseWrappers(text: string): Wrapper[] {
  return parseSseFrames(text).map((frame) => JSON.parse(frame.data) as Wrapper);
}

/** Reads a body until the server ends or cuts it; returns the bytes and whether it ended cleanly. */
export async function readAll(res: Response): Promise<{ text: string; clean: boolean }> {
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  if (reader === undefined) return { text, clean: true };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, clean: true };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, clean: false };
  }
}

/**
 * One fake upstream per test, started by the test with its own options and closed after it, with `post` aimed
 * at it: the set-up every Code Assist fake test file shares.
 */
export function codeAssistFakePerTest() {
  let current: FakeUpstream | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get fake(): FakeUpstream {
      if (!current) throw new Error('start() the fake first');
      return current;
    },
    async start(options: StartFakeUpstreamOptions = {}): Promise<void> {
      current = await startFakeUpstream({ googleAccessToken: TOKEN, ...options });
    },
    /** A fake with exactly these options (no access token required unless they say so), replacing any. */
    async startExactly(options: StartFakeUpstreamOptions): Promise<void> {
      await current?.close();
      current = await startFakeUpstream(options);
    },
    post(method: string, body: unknown, headers: Record<string, string> = HEADERS, query = '') {
      if (!current) throw new Error('start() the fake first');
      return postCodeAssist(current.url, method, body, headers, query);
    },
  };
}
