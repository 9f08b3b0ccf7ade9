// The relay's Bedrock signer against the fake's independent SigV4 check (and Bedrock API keys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedrockHttpError } from '../../src/relay/providers/bedrock/errors.js';
import { type BedrockAuth, bedrockAuthHeaders } from '../../src/relay/providers/bedrock/sign.js';
import { callBedrock } from '../support/fake-bedrock/client.js';
import {
  FAKE_BEDROCK_BEARER_TOKEN,
  FAKE_BEDROCK_CREDENTIAL,
  FAKE_BEDROCK_REGION,
  type FakeBedrock,
  startFakeBedrock,
} from '../support/fake-bedrock/index.js';

const MODEL = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const BODY = Buffer.from(
  JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
);
const KEYS: BedrockAuth = { region: FAKE_BEDROCK_REGION, ...FAKE_BEDROCK_CREDENTIAL };
const TEMPORARY = {
  accessKeyId: 'ASIAFAKETEMPORARY001',
  secretAccessKey: 'temporary/secret/key/000000000000000000',
  sessionToken: 'IQoJb3JpZ2luX2VjEFAKE//session+token==',
};

let fake: FakeBedrock;

beforeAll(async () => {
  fake = await startFakeBedrock({
    credentials: [
      FAKE_BEDROCK_CREDENTIAL,
      TEMPORARY,
      { ...TEMPORARY, accessKeyId: 'ASIAEXPIRED000000001', expired: true },
    ],
  });
});

afterAll(async () => {
  await fake.close();
});

async function call(auth: BedrockAuth, tamper?: Parameters<typeof callBedrock>[1]['tamper']) {
  return callBedrock(fake.url, { body: BODY, modelId: MODEL, stream: false, auth, tamper });
}

function rejection(response: Awaited<ReturnType<typeof call>>) {
  return {
    status: response.status,
    errorType: String(response.headers['x-amzn-errortype']).split(':')[0],
    message: (JSON.parse(response.body.toString()) as { message: string }).message,
  };
}

describe('bedrockAuthHeaders', () => {
  it('signs with access keys so that Bedrock accepts the call', async () => {
    const response = await call(KEYS);
    expect(response.status).toBe(200);
    const recorded = fake.calls.at(-1);
    expect(recorded?.auth).toEqual({
      kind: 'sigv4',
      accessKeyId: FAKE_BEDROCK_CREDENTIAL.accessKeyId,
      signedHeaders: ['accept', 'content-type', 'host', 'x-amz-content-sha256', 'x-amz-date'],
    });
  });

  it('returns only the headers it adds', async () => {
    const url = new URL(`${fake.url}/model/${encodeURIComponent(MODEL)}/invoke`);
    const headers = await bedrockAuthHeaders(
      { method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: BODY },
      KEYS,
    );
    expect(Object.keys(headers).sort()).toEqual([
      'authorization',
      'host',
      'x-amz-content-sha256',
      'x-amz-date',
    ]);
    expect(headers.host).toBe(url.host);
    expect(headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${FAKE_BEDROCK_CREDENTIAL.accessKeyId}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$`,
      ),
    );
  });

  it('signs temporary credentials with their session token', async () => {
    const response = await call({ region: FAKE_BEDROCK_REGION, ...TEMPORARY });
    expect(response.status).toBe(200);
    expect(fake.calls.at(-1)?.auth).toMatchObject({ kind: 'sigv4', accessKeyId: TEMPORARY.accessKeyId });
    expect(fake.calls.at(-1)?.headers['x-amz-security-token']).toBe(TEMPORARY.sessionToken);
  });

  it('is refused with a wrong secret, and the refusal maps to an authentication error', async () => {
    const response = await call({ ...KEYS, secretAccessKey: 'not-the-secret' });
    expect(rejection(response)).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(
        /^The request signature we calculated does not match the signature you provided\./,
      ),
    });
    const mapped = bedrockHttpError(response.status, response.headers, response.body);
    expect(mapped).toMatchObject({ status: 401, type: 'authentication_error', upstreamStatus: 403 });
  });

  it('is refused when the body changes after signing', async () => {
    const response = await call(KEYS, (request) => {
      request.body = Buffer.from(request.body.toString().replace('"hi"', '"ho"'));
    });
    expect(rejection(response).errorType).toBe('InvalidSignatureException');
  });

  it('is refused when a signed header changes after signing', async () => {
    const response = await call(KEYS, (request) => {
      request.headers.accept = 'application/json, text/plain';
    });
    expect(rejection(response).errorType).toBe('InvalidSignatureException');
  });

  it('is refused when signed for another region', async () => {
    const response = await call({ ...KEYS, region: 'eu-west-1' });
    expect(rejection(response).errorType).toBe('InvalidSignatureException');
  });

  it('is refused for an unknown access key, a missing session token and an expired one', async () => {
    const unknown = await call({ ...KEYS, accessKeyId: 'AKIAUNKNOWN000000000' });
    expect(rejection(unknown)).toEqual({
      status: 403,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    const { sessionToken: _dropped, ...withoutToken } = TEMPORARY;
    const missingToken = await call({ region: FAKE_BEDROCK_REGION, ...withoutToken });
    expect(rejection(missingToken).errorType).toBe('UnrecognizedClientException');
    const expired = await call({
      region: FAKE_BEDROCK_REGION,
      ...TEMPORARY,
      accessKeyId: 'ASIAEXPIRED000000001',
    });
    expect(rejection(expired).errorType).toBe('ExpiredTokenException');
  });

  it('keeps signing correctly when the cached signer is reused', async () => {
    const responses = await Promise.all([call(KEYS), call(KEYS), call(KEYS)]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
  });

  it('sends a Bedrock API key as a bearer token, unsigned', async () => {
    const auth: BedrockAuth = { region: FAKE_BEDROCK_REGION, bearerToken: FAKE_BEDROCK_BEARER_TOKEN };
    const url = new URL(`${fake.url}/model/x/invoke`);
    expect(await bedrockAuthHeaders({ method: 'POST', url, headers: {}, body: BODY }, auth)).toEqual({
      authorization: `Bearer ${FAKE_BEDROCK_BEARER_TOKEN}`,
    });
    expect((await call(auth)).status).toBe(200);
    expect(fake.calls.at(-1)?.auth).toEqual({ kind: 'bearer', token: FAKE_BEDROCK_BEARER_TOKEN });
    const wrong = await call({ region: FAKE_BEDROCK_REGION, bearerToken: 'ABSK-wrong' });
    expect(rejection(wrong).errorType).toBe('UnrecognizedClientException');
  });
});
