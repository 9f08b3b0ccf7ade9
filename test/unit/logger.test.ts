import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';

describe('logger', () => {
  it('redacts credentials wherever they appear in a logged object', () => {
    let output = '';
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        output += chunk.toString();
        callback();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    logger.info(
      {
        headers: { authorization: 'Bearer cr_secret1', 'x-api-key': 'cr_secret2', 'content-type': 'json' },
        account: { apiKey: 'sk-ant-secret3', credentials: { refresh: 'secret4' }, name: 'main' },
        password: 'secret5',
      },
      'hello',
    );
    for (const secret of ['cr_secret1', 'cr_secret2', 'sk-ant-secret3', 'secret4', 'secret5']) {
      expect(output).not.toContain(secret);
    }
    const line = JSON.parse(output);
    expect(line.headers['content-type']).toBe('json');
    expect(line.account.name).toBe('main');
    expect(line.headers.authorization).toBe('[redacted]');
  });
});
