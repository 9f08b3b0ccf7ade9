// Role: who owns a key, in words — usernames for admins (the only role that may list users), the signed-in
// user's own id as "you", and the bare id otherwise.
import { UsersPageListDocument } from '@clients/generated/graphql/graphql';
import { useMemo } from 'react';
import { can } from '../../app/permissions';
import { useSession } from '../../app/session';
import { useQuery } from '../../app/use-graphql';
import type { KeyFormProps } from './key-form';

export interface Owners {
  /** "alice", "you", the id, or "—" for a key without an owner. */
  nameOf: (ownerId: string | null | undefined) => string;
  /** How the key form asks for an owner: a list for admins, an id for operators, not at all for others. */
  field: KeyFormProps['owner'];
}

export function useOwners(): Owners {
  const session = useSession();
  const role = session?.user.role;
  const admin = can(role, 'manage_users');
  const users = useQuery(UsersPageListDocument, { first: 200 }, { skip: !admin });
  const me = session?.user.id;
  const nodes = users.data?.users.nodes;
  return useMemo(() => {
    const names = new Map((nodes ?? []).map((user) => [user.id, user.username]));
    const nameOf = (ownerId: string | null | undefined) => {
      if (!ownerId) return '—';
      if (ownerId === me) return 'you';
      return names.get(ownerId) ?? ownerId;
    };
    let field: KeyFormProps['owner'] = { kind: 'none' };
    if (admin && nodes) {
      field = { kind: 'select', options: nodes.map((user) => ({ value: user.id, label: user.username })) };
    } else if (can(role, 'manage')) {
      field = { kind: 'text' };
    }
    return { nameOf, field };
  }, [admin, me, nodes, role]);
}
