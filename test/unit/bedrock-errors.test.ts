// Bedrock's HTTP error answers → the Anthropic error type and client status the relay shows.
import { describe, expect, it } from 'vitest';
import { bedrockHttpError } from '../../src/relay/providers/bedrock/errors.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const errorType = (name: string) => ({
  'x-amzn-errortype': `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
});

describe('bedrockHttpError', () => {
  it.each([
    ['ThrottlingException', 429, 429, 'rate_limit_error', true],
    ['ServiceQuotaExceededException', 400, 429, 'rate_limit_error', true],
    ['AccessDeniedException', 403, 403, 'permission_error', false],
    ['UnrecognizedClientException', 403, 401, 'authentication_error', false],
    ['InvalidSignatureException', 403, 401, 'authentication_error', false],
    ['ExpiredTokenException', 403, 401, 'authentication_error', false],
    ['ValidationException', 400, 400, 'invalid_request_error', false],
    ['ResourceNotFoundException', 404, 404, 'not_found_error', false],
    ['ModelTimeoutException', 408, 504, 'api_error', true],
    ['ModelNotReadyException', 429, 529, 'overloaded_error', true],
    ['ServiceUnavailableException', 503, 529, 'overloaded_error', true],
    ['InternalServerException', 500, 500, 'api_error', true],
    ['ModelErrorException', 424, 502, 'api_error', true],
  ])('%s (%i) → %i %s', (name, upstreamStatus, status, type, retryable) => {
    const error = bedrockHttpError(
      upstreamStatus,
      errorType(name),
      json({ message: `upstream says ${name}` }),
    );
    expect(error).toEqual({
      status,
      type,
      retryable,
      message: `upstream says ${name}`,
      upstreamStatus,
      exception: name,
    });
  });

  it('keeps the real throttling message', () => {
    const error = bedrockHttpError(
      429,
      errorType('ThrottlingException'),
      json({ message: 'Too many requests, please wait before trying again.' }),
    );
    expect(error.message).toBe('Too many requests, please wait before trying again.');
  });

  it('reads Message as well as message, and a repeated header', () => {
    const error = bedrockHttpError(
      403,
      {
        'x-amzn-errortype': [
          'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/',
        ],
      },
      json({ Message: 'The request signature we calculated does not match' }),
    );
    expect(error).toMatchObject({ status: 401, type: 'authentication_error', upstreamStatus: 403 });
    expect(error.message).toBe('The request signature we calculated does not match');
  });

  it('falls back to the body __type when the header is missing', () => {
    const error = bedrockHttpError(
      400,
      {},
      json({ __type: 'com.amazonaws.bedrock#ValidationException', message: 'bad input' }),
    );
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      exception: 'ValidationException',
    });
  });

  it.each([
    [502, 502, 'api_error'],
    [503, 529, 'overloaded_error'],
    [429, 429, 'rate_limit_error'],
    [413, 413, 'request_too_large'],
    [403, 403, 'permission_error'],
    [418, 418, 'invalid_request_error'],
  ])('maps an unnamed %i by status to %i %s', (upstreamStatus, status, type) => {
    const error = bedrockHttpError(upstreamStatus, {}, Buffer.from('<html>Bad Gateway</html>'));
    expect(error).toMatchObject({ status, type, upstreamStatus, exception: undefined });
    expect(error.message).toBe('<html>Bad Gateway</html>');
  });

  it('says what happened when the body is empty', () => {
    expect(bedrockHttpError(500, {}, Buffer.alloc(0)).message).toBe('Bedrock answered 500');
    expect(bedrockHttpError(429, errorType('ThrottlingException'), Buffer.alloc(0)).message).toBe(
      'ThrottlingException',
    );
  });
});
