import { describe, expect, it } from 'vitest';
import { AppError, toAppError } from '../../src/errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../../src/errors/codes.js';
import { renderError, renderStreamError } from '../../src/errors/render.js';
import {
  anthropicErrorShape,
  geminiErrorShape,
  jsonErrorShape,
  openaiErrorShape,
} from '../../src/errors/shapes.js';

describe('error rendering', () => {
  const error = new AppError('quota_exceeded', 'Daily cost limit reached', {
    details: { limit: 'daily_cost', field: 'limits.dailyCost' },
  });

  it('renders the Anthropic shape', () => {
    const rendered = renderError(error, anthropicErrorShape, 'req_1');
    expect(rendered.status).toBe(402);
    expect(JSON.parse(rendered.body)).toEqual({
      type: 'error',
      error: {
        type: 'billing_error',
        message: 'Daily cost limit reached',
        code: 'quota_exceeded',
        details: { limit: 'daily_cost', field: 'limits.dailyCost' },
      },
      request_id: 'req_1',
    });
    expect(rendered.headers['x-should-retry']).toBe('false');
  });

  it('renders the OpenAI shape', () => {
    const rendered = renderError(error, openaiErrorShape, 'req_1');
    expect(JSON.parse(rendered.body)).toEqual({
      error: {
        message: 'Daily cost limit reached',
        type: 'insufficient_quota',
        param: 'limits.dailyCost',
        code: 'quota_exceeded',
        details: { limit: 'daily_cost', field: 'limits.dailyCost' },
      },
    });
  });

  it('renders the Gemini shape', () => {
    const rendered = renderError(
      new AppError('unauthenticated', 'API key not valid'),
      geminiErrorShape,
      'req_1',
    );
    expect(rendered.status).toBe(401);
    const body = JSON.parse(rendered.body);
    expect(body.error).toMatchObject({ code: 401, message: 'API key not valid', status: 'UNAUTHENTICATED' });
    expect(body.error.details[0].reason).toBe('unauthenticated');
    const limited = JSON.parse(renderError(error, geminiErrorShape, 'req_1').body);
    expect(limited.error.details[0].metadata).toEqual({ limit: 'daily_cost', field: 'limits.dailyCost' });
  });

  it('renders plain JSON with details', () => {
    const rendered = renderError(error, jsonErrorShape, 'req_1');
    expect(JSON.parse(rendered.body)).toEqual({
      error: {
        code: 'quota_exceeded',
        message: 'Daily cost limit reached',
        requestId: 'req_1',
        details: { limit: 'daily_cost', field: 'limits.dailyCost' },
      },
    });
  });

  it('adds retry-after for retryable limits and keeps upstream statuses and types', () => {
    const limited = renderError(
      new AppError('concurrency_limited', 'Too many requests', { retryAfterSeconds: 2.2 }),
      anthropicErrorShape,
      'req_1',
    );
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.headers['x-should-retry']).toBe('true');

    const upstream = new AppError('upstream_error', 'model not found', {
      httpStatus: 404,
      clientType: 'not_found_error',
      retryable: false,
    });
    const rendered = renderError(upstream, anthropicErrorShape, 'req_1');
    expect(rendered.status).toBe(404);
    expect(JSON.parse(rendered.body).error.type).toBe('not_found_error');
  });

  it('never exposes the message of an unexpected error', () => {
    const wrapped = toAppError(new Error('connection string redis://user:secret@host'));
    const rendered = renderError(wrapped, openaiErrorShape, 'req_1');
    expect(rendered.status).toBe(500);
    expect(rendered.body).not.toContain('secret');
  });

  it('maps every code to a status and a type in every format', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      for (const format of [anthropicErrorShape, openaiErrorShape, geminiErrorShape, jsonErrorShape]) {
        const rendered = renderError(new AppError(code, 'x'), format, 'r');
        expect(rendered.status).toBeGreaterThanOrEqual(400);
        expect(() => JSON.parse(rendered.body)).not.toThrow();
      }
    }
  });

  it('renders in-stream error events', () => {
    const frame = renderStreamError(
      new AppError('upstream_error', 'upstream closed'),
      anthropicErrorShape,
      'req_1',
    );
    expect(frame.startsWith('event: error\ndata: ')).toBe(true);
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(frame.slice('event: error\ndata: '.length)).error.type).toBe('api_error');
    expect(
      renderStreamError(new AppError('internal', 'x'), openaiErrorShape, 'r').startsWith('data: {"error"'),
    ).toBe(true);
  });
});
