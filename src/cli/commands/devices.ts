// `devices …` commands: the devices people signed in with Claude Code's `/login` (gateway sign-in), listed and
// signed out. Through the control plane as every CLI command (admin rules, audited under the CLI's name).
import type { GatewayDevice } from '../../services/gateway/gateway-types.js';
import { integer, positional, text } from '../args.js';
import type { Command } from '../command.js';
import { formatTime, table } from '../output.js';

function described(device: GatewayDevice): string {
  return `${device.surface ?? 'device'} of ${device.userId} (${device.id})`;
}

export const DEVICE_COMMANDS: readonly Command[] = [
  {
    group: 'devices',
    action: 'list',
    summary: 'list signed-in devices (Claude Code /login), newest first; --user for one user’s',
    positionals: [],
    options: {
      user: { type: 'string', value: '<user>', description: 'only this user’s devices (id or username)' },
      limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
      cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
    },
    prepare(args) {
      const limit = integer(args, 'limit', { min: 1, max: 500 }, 'devices list');
      const cursor = text(args, 'cursor');
      const userReference = text(args, 'user');
      return async (services, { actor }) => {
        const userId =
          userReference === undefined
            ? undefined
            : (await services.control.users.find(actor, userReference)).id;
        const page = await services.control.gateway.devices(actor, {
          userId,
          ...(limit === undefined ? {} : { limit }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        const rows = page.items.map((device) => [
          device.id,
          device.userId,
          device.keyId,
          device.surface ?? '-',
          device.address ?? '-',
          formatTime(device.createdAt) ?? '-',
        ]);
        const lines = [
          rows.length === 0
            ? 'No signed-in devices.'
            : table(['id', 'user', 'key', 'client', 'address', 'signed in'], rows),
        ];
        if (page.nextCursor) lines.push('', `More: devices list --cursor ${page.nextCursor}`);
        return { json: { items: page.items, nextCursor: page.nextCursor ?? null }, text: lines.join('\n') };
      };
    },
  },
  {
    group: 'devices',
    action: 'revoke',
    summary: 'sign a device out: its next refresh fails (invalid_grant) and its next request gets 401',
    positionals: ['device'],
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        const device = await services.control.gateway.revoke(actor, id);
        return { json: device, text: `Signed out ${described(device)}` };
      };
    },
  },
];
