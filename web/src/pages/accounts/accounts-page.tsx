// /accounts: the upstream account pool with live state, and the account groups keys can be bound to.
import { Button, Tabs } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { PageHeader } from '../../components/page';
import { AccountList } from './account-list';
import { CreateAccountModal } from './create-account-modal';
import { GroupsPanel } from './groups-panel';

export default function AccountsPage() {
  const role = useRole();
  const canManage = can(role, 'manage');
  const [params, setParams] = useSearchParams();
  // The tab lives in the URL so a link (and the back button) can open the groups directly.
  const tab = params.get('tab') === 'groups' ? 'groups' : 'accounts';
  const [adding, setAdding] = useState(false);
  const [version, setVersion] = useState(0);

  return (
    <>
      <PageHeader
        title="Accounts"
        description="The upstream accounts requests are relayed through, their live state, and account groups."
        actions={
          canManage && tab === 'accounts' ? (
            <Button onClick={() => setAdding(true)}>Add account</Button>
          ) : null
        }
      />
      <Tabs
        value={tab}
        onChange={(value) => setParams(value === 'groups' ? { tab: 'groups' } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="accounts">Accounts</Tabs.Tab>
          <Tabs.Tab value="groups">Groups</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="accounts">
          <AccountList canManage={canManage} onAdd={() => setAdding(true)} version={version} />
        </Tabs.Panel>
        <Tabs.Panel value="groups">
          <GroupsPanel canManage={canManage} />
        </Tabs.Panel>
      </Tabs>
      {canManage ? (
        <CreateAccountModal
          opened={adding}
          onClose={() => setAdding(false)}
          onCreated={() => setVersion((current) => current + 1)}
        />
      ) : null}
    </>
  );
}
