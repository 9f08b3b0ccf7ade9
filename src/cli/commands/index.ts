// Every admin CLI command, in the order help lists them.
import type { Command } from '../command.js';
import { ACCOUNT_COMMANDS } from './accounts.js';
import { ALERT_COMMANDS } from './alerts.js';
import { BUNDLE_COMMANDS } from './bundle.js';
import { CHANNEL_COMMANDS } from './channels.js';
import { DEVICE_COMMANDS } from './devices.js';
import { GROUP_COMMANDS } from './groups.js';
import { KEY_COMMANDS } from './keys.js';
import { MIGRATION_COMMANDS } from './migration.js';
import { REQUEST_COMMANDS } from './requests.js';
import { USAGE_COMMANDS } from './usage.js';
import { USER_COMMANDS } from './users.js';

export const COMMANDS: readonly Command[] = [
  ...KEY_COMMANDS,
  ...ACCOUNT_COMMANDS,
  ...GROUP_COMMANDS,
  ...CHANNEL_COMMANDS,
  ...ALERT_COMMANDS,
  ...USAGE_COMMANDS,
  ...REQUEST_COMMANDS,
  ...USER_COMMANDS,
  ...DEVICE_COMMANDS,
  ...MIGRATION_COMMANDS,
  ...BUNDLE_COMMANDS,
];
