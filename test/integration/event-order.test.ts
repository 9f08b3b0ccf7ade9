// One channel's messages arrive in the order they were published, whether published alone or inside a batch's
// pipeline (each channel of the relay is published one of those two ways). On a Redis Cluster, PUBLISH names no
// key: sent to any node, two messages of one channel would race through different nodes and could arrive
// swapped, so each channel is published through one primary (redis/slot-spanning.ts). Listeners such as the
// alert evaluator count on that order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { crossSlotPipeline } from '../../src/services/redis/slot-spanning.js';
import { createTestServices } from '../support/services.js';

const MESSAGES = 300;

describe("a channel's messages", () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  it('arrive in the order they were published, each channel its own way, in one burst', async () => {
    // The two ways the relay publishes, one channel each (no channel is published both ways): alone, on the
    // event bus; and inside a batch's pipeline beside a command on some other slot, as settles publish.
    const alone = await subscribed('order-alone');
    const piped = await subscribed('order-piped');
    const channel = services.context.keys.channel('order-piped');
    const sent: Array<Promise<unknown>> = [];
    for (let index = 0; index < MESSAGES; index += 1) {
      sent.push(services.bus.publish('order-alone', String(index)));
      const pipeline = crossSlotPipeline(services.context.redis);
      pipeline.get(services.context.keys.apiKey(`key_${index}`));
      pipeline.publish(channel, String(index));
      sent.push(pipeline.exec());
    }
    await Promise.all(sent);
    const inOrder = Array.from({ length: MESSAGES }, (_, index) => index);
    expect(await alone.messages).toEqual(inOrder);
    expect(await piped.messages).toEqual(inOrder);
  });

  /** Subscribes to `topic`; once subscribed, gives the promise of its first MESSAGES messages. */
  async function subscribed(topic: string): Promise<{ messages: Promise<number[]> }> {
    const received: number[] = [];
    let done: (messages: number[]) => void = () => {};
    const all = new Promise<number[]>((resolve) => {
      done = resolve;
    });
    const unsubscribe = await services.bus.subscribe(topic, {
      onMessage: (message) => {
        received.push(Number(message));
        if (received.length === MESSAGES) done(received);
      },
    });
    return { messages: all.finally(unsubscribe) };
  }
});
