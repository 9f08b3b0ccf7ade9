// The fake upstream's Code Assist set-up methods over plain fetch: loadCodeAssist, onboarding the free tier through
// its long-running operation, retrieveUserQuota / listExperiments, their own scenario queue and reset().
import { describe, expect, it } from 'vitest';
import {
  codeAssistFakePerTest,
  fixture,
  GENERATE,
  HEADERS,
  METADATA,
  PROJECT,
  TOKEN,
} from '../support/code-assist-client.js';

const session = codeAssistFakePerTest();
const { start, post } = session;

describe('code assist: discovery and onboarding', () => {
  it('answers loadCodeAssist for an onboarded account with its tier and project', async () => {
    await start();
    const res = await post('loadCodeAssist', fixture('code-assist-load-code-assist-request.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      currentTier: { id: 'free-tier', hasOnboardedPreviously: true },
      allowedTiers: [{ id: 'free-tier', isDefault: true }],
      cloudaicompanionProject: PROJECT,
    });
    expect(session.fake.codeAssist.calls.loadCodeAssist).toBe(1);
    const [recorded] = session.fake.requests;
    expect(recorded?.path).toBe('/v1internal:loadCodeAssist');
    expect(recorded?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(recorded?.json).toEqual({ metadata: METADATA });
  });

  it('onboards the free tier through a long-running operation, once', async () => {
    await start({ codeAssistState: 'needs-onboarding', codeAssistProject: 'assigned-project-9' });
    const load = await (await post('loadCodeAssist', { metadata: METADATA })).json();
    expect(load).not.toHaveProperty('currentTier');
    expect(load).not.toHaveProperty('cloudaicompanionProject');
    expect(load).toMatchObject({ allowedTiers: [{ id: 'free-tier', isDefault: true }] });

    // Not onboarded yet: the project is not the caller's.
    const early = await post('generateContent', { ...GENERATE, project: 'assigned-project-9' });
    expect(early.status).toBe(403);

    // Naming a project for the free tier is refused.
    const withProject = await post('onboardUser', {
      tierId: 'free-tier',
      cloudaicompanionProject: 'mine',
      metadata: { ...METADATA, duetProject: 'mine' },
    });
    expect(withProject.status).toBe(400);
    expect(await withProject.json()).toEqual({
      error: { code: 400, message: 'Precondition Failed', status: 'FAILED_PRECONDITION' },
    });

    const started = (await (
      await post('onboardUser', { tierId: 'free-tier', metadata: METADATA })
    ).json()) as {
      name: string;
      done: boolean;
    };
    expect(started).toEqual({ name: expect.stringMatching(/^operations\/\S+$/), done: false });
    const polled = await fetch(`${session.fake.url}/v1internal/${started.name}`, { headers: HEADERS });
    expect(polled.status).toBe(200);
    expect(await polled.json()).toMatchObject({
      name: started.name,
      done: true,
      response: { cloudaicompanionProject: { id: 'assigned-project-9', name: 'assigned-project-9' } },
    });

    expect(session.fake.codeAssist.state).toBe('onboarded');
    expect(await (await post('loadCodeAssist', { metadata: METADATA })).json()).toMatchObject({
      currentTier: { id: 'free-tier' },
      cloudaicompanionProject: 'assigned-project-9',
    });
    const after = await post('generateContent', { ...GENERATE, project: 'assigned-project-9' });
    expect(after.status).toBe(200);
    expect(session.fake.codeAssist.calls).toMatchObject({
      loadCodeAssist: 2,
      onboardUser: 2,
      getOperation: 1,
    });

    const unknown = await fetch(`${session.fake.url}/v1internal/operations/nope`, { headers: HEADERS });
    expect(unknown.status).toBe(404);
  });

  it('keeps an operation pending for onboardPendingPolls polls; a repeated onboardUser polls it too', async () => {
    await start({ codeAssistState: 'needs-onboarding' });
    session.fake.codeAssist.onboardPendingPolls = 1;
    const started = (await (
      await post('onboardUser', { tierId: 'free-tier', metadata: METADATA })
    ).json()) as {
      name: string;
    };
    const first = await (
      await fetch(`${session.fake.url}/v1internal/${started.name}`, { headers: HEADERS })
    ).json();
    expect(first).toEqual({ name: started.name, done: false });
    const again = await (await post('onboardUser', { tierId: 'free-tier', metadata: METADATA })).json();
    expect(again).toMatchObject({ name: started.name, done: true });
  });

  it('answers retrieveUserQuota and listExperiments in the recorded shapes', async () => {
    await start({ codeAssistProject: 'test-project-123' });
    const quota = await post('retrieveUserQuota', fixture('code-assist-retrieve-user-quota-request.json'));
    expect(await quota.json()).toMatchObject({
      buckets: [
        {
          modelId: 'gemini-2.5-pro',
          tokenType: 'REQUESTS',
          remainingFraction: 1,
          resetTime: expect.any(String),
        },
        { modelId: 'gemini-2.5-flash' },
      ],
    });
    const experiments = await post('listExperiments', fixture('code-assist-list-experiments-request.json'));
    expect(await experiments.json()).toEqual(fixture('code-assist-list-experiments-response.json'));
  });

  it('scripts set-up methods with their own queue, leaving the shared one to generate calls', async () => {
    await start();
    session.fake.enqueue({ status: 503 });
    session.fake.codeAssist.enqueue('loadCodeAssist', { status: 500 });
    expect((await post('loadCodeAssist', { metadata: METADATA })).status).toBe(500);
    expect((await post('loadCodeAssist', { metadata: METADATA })).status).toBe(200);
    expect((await post('listExperiments', { project: PROJECT })).status).toBe(200);
    const generate = await post('generateContent', GENERATE);
    expect(generate.status).toBe(503);
    expect(await generate.json()).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
  });

  it('reset() restores the configured state and clears the counters', async () => {
    await start({ codeAssistState: 'needs-onboarding' });
    await post('onboardUser', { tierId: 'free-tier', metadata: METADATA });
    session.fake.codeAssist.state = 'onboarded';
    session.fake.reset();
    expect(session.fake.codeAssist.state).toBe('needs-onboarding');
    expect(session.fake.codeAssist.calls.onboardUser).toBe(0);
    expect(session.fake.requests).toHaveLength(0);
  });
});
