// The dashboard's pages in the order the navigation lists them, each with who may open it.
import type { Ability } from './permissions';

export interface NavItem {
  path: string;
  label: string;
  /** Absent: every signed-in user. */
  needs?: Ability;
  /** Shown to members instead of `label`. */
  memberLabel?: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { path: '/', label: 'Overview' },
  { path: '/accounts', label: 'Accounts', needs: 'read_all' },
  { path: '/keys', label: 'API keys', memberLabel: 'My keys' },
  { path: '/requests', label: 'Request log', memberLabel: 'My requests' },
  { path: '/devices', label: 'Devices', memberLabel: 'My devices' },
  { path: '/users', label: 'Users', needs: 'manage_users' },
  // Members see their own standing against the caps that apply to them.
  { path: '/spend-limits', label: 'Spend limits', memberLabel: 'My spend' },
  { path: '/managed-settings', label: 'Managed settings', needs: 'read_all' },
  { path: '/alerts', label: 'Alerts', needs: 'read_all' },
  { path: '/channels', label: 'Channels', needs: 'read_all' },
  { path: '/pricing', label: 'Pricing', needs: 'read_all' },
  { path: '/audit', label: 'Audit log', needs: 'read_audit' },
  { path: '/system', label: 'System', needs: 'read_all' },
];
