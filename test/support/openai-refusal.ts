// Posts to an OpenAI-shaped relay route and checks the answer is exactly OpenAI's error envelope.
import { expect } from 'vitest';
import { rawRequest } from './http.js';

export interface OpenAIRefusal {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error: { message: string; type: string; param: string | null; code: string } };
}

/** POSTs `body` (a string is sent as is) and returns the status and headers with the parsed text. */
export async function postRaw(url: string, body: unknown, headers: Record<string, string>) {
  const response = await rawRequest(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: response.body };
}

/** The answer's body is `{error:{message,type,param,code}}` (plus the relay's optional `details`), nothing else. */
export async function openaiRefusal(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<OpenAIRefusal> {
  const answer = await postRaw(url, body, headers);
  const parsed = JSON.parse(answer.text) as OpenAIRefusal['body'];
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).filter((name) => name !== 'details')).toEqual([
    'message',
    'type',
    'param',
    'code',
  ]);
  expect(parsed.error.message).not.toBe('');
  expect(answer.headers['x-request-id']).toMatch(/^req_/);
  return { status: answer.status, headers: answer.headers, body: parsed };
}

export function expectRefused(
  answer: OpenAIRefusal,
  status: number,
  error: Partial<OpenAIRefusal['body']['error']>,
): void {
  expect(answer.status).toBe(status);
  expect(answer.body.error).toMatchObject(error);
}
