// Which store failures a request is refused for as a retryable 503, rather than answered with a masked 500.
import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isSlotMoving, isStoreUnavailable } from '../../src/errors/store-unavailable.js';

describe('isStoreUnavailable', () => {
  it('takes a server that cannot serve yet, and a cluster slot changing hands, as unavailable', () => {
    for (const reply of [
      'LOADING Redis is loading the dataset in memory',
      'CLUSTERDOWN The cluster is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'MOVED 14225 127.0.0.1:44837',
      'ASK 14225 127.0.0.1:44837',
    ]) {
      expect(isStoreUnavailable(new ReplyError(reply)), reply).toBe(true);
    }
    expect(isStoreUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(
      isStoreUnavailable(
        new Error('Too many Cluster redirections. Last error: ReplyError: TRYAGAIN Multiple keys request'),
      ),
    ).toBe(true);
  });

  it('tells one slot changing hands from the store being away', () => {
    for (const reply of ['TRYAGAIN Multiple keys request during rehashing of slot', 'ASK 14225 127.0.0.1:1'])
      expect(isSlotMoving(new ReplyError(reply)), reply).toBe(true);
    expect(isSlotMoving(new Error('Too many Cluster redirections. Last error: MOVED 1 127.0.0.1:1'))).toBe(
      true,
    );
    expect(isSlotMoving(new ReplyError('CLUSTERDOWN The cluster is down'))).toBe(false);
    expect(isSlotMoving(new Error('Connection is closed.'))).toBe(false);
  });

  it('leaves errors of our own making to surface', () => {
    expect(isStoreUnavailable(new ReplyError('ERR wrong number of arguments'))).toBe(false);
    expect(isStoreUnavailable(new ReplyError('CROSSSLOT Keys in request do not hash to the same slot'))).toBe(
      false,
    );
    // A message that only starts like a redirection is not one.
    expect(isStoreUnavailable(new Error('MOVED 1 127.0.0.1:1'))).toBe(false);
    expect(isStoreUnavailable('MOVED 1 127.0.0.1:1')).toBe(false);
  });
});
