// The first page after sign-in: the whole relay for readers, a member's own keys for members.
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { MemberOverview } from './member-overview';
import { ReaderOverview } from './reader-overview';

export default function OverviewPage() {
  return can(useRole(), 'read_all') ? <ReaderOverview /> : <MemberOverview />;
}
