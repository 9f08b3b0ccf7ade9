// One channel's messages arrive in the order they were published, whether each is published alone or inside a
// batch's pipeline. On a Redis Cluster, PUBLISH names no key: sent to any node, two messages of one channel
// would race through different nodes and could arrive swapped, so each channel is published through one
// primary (redis/slot-spanning.ts). Listeners such as the alert evaluator count on that order.
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

  it('arrive in the order they were published, alone or in pipelines, in one burst', async () => {
    const received: number[] = [];
    let all: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      all = resolve;
    });
    const unsubscribe = await services.bus.subscribe('order-test', {
      onMessage: (message) => {
        received.push(Number(message));
        if (received.length === MESSAGES) all();
      },
    });
    // Every third message goes in a pipeline of its own beside a command on some other slot, as a settle
    // batch publishes; the rest are published alone. All leave without waiting for one another.
    const channel = services.context.keys.channel('order-test');
    const sent: Array<Promise<unknown>> = [];
    for (let index = 0; index < MESSAGES; index += 1) {
      if (index % 3 === 0) {
        const pipeline = crossSlotPipeline(services.context.redis);
        pipeline.get(services.context.keys.apiKey(`key_${index}`));
        pipeline.publish(channel, String(index));
        sent.push(pipeline.exec());
      } else sent.push(services.bus.publish('order-test', String(index)));
    }
    await Promise.all(sent);
    await done;
    await unsubscribe();
    expect(received).toEqual(Array.from({ length: MESSAGES }, (_, index) => index));
  });
});
