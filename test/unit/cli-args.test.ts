import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/args.js';

const table = {
  code: { type: 'string' as const, description: 'a pasted code' },
  amount: { type: 'string' as const, description: 'an amount' },
};

describe('CLI option values that start with a dash', () => {
  it('takes them as the value of a string option: negative amounts, pasted codes and secrets', () => {
    const parsed = parseCommandArgs(['--code', '-Xq3_code', '--amount', '-1.5'], table, 'accounts');
    expect(parsed.values.code).toBe('-Xq3_code');
    expect(parsed.values.amount).toBe('-1.5');
  });

  it('keeps `-` (read from stdin) and still refuses an unknown option', () => {
    expect(parseCommandArgs(['--code', '-'], table, 'accounts').values.code).toBe('-');
    expect(() => parseCommandArgs(['--code', 'x', '--nope'], table, 'accounts')).toThrow(/nope/);
  });
});
