// The signed-in frame: header (live status, theme, user menu), navigation by role, and the page.
import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Group,
  Menu,
  Modal,
  NavLink,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { ChangePasswordForm } from '../pages/users/change-password-form';
import { api, sessions } from './api';
import { useLiveStatus } from './live';
import { NAV_ITEMS } from './navigation';
import { PageLoader } from './page-loader';
import { can } from './permissions';
import { useSession } from './session';

/** Pages below need a signed-in user; otherwise to the sign-in page, which brings the user back here after. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    const reason = sessions.endedBecause === 'expired' ? '&expired=1' : '';
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}${reason}`} replace />;
  }
  return <Shell />;
}

function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const session = useSession();
  const location = useLocation();
  const role = session?.user.role;
  const member = role === 'member';
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700} component={Link} to="/" style={{ whiteSpace: 'nowrap' }}>
              LLM relay
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LiveBadge />
            <ThemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Pages">
        {NAV_ITEMS.filter((item) => !item.needs || can(role, item.needs)).map((item) => (
          <NavLink
            key={item.path}
            component={Link}
            to={item.path}
            label={member && item.memberLabel ? item.memberLabel : item.label}
            active={item.path === '/' ? location.pathname === '/' : location.pathname.startsWith(item.path)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

function LiveBadge() {
  const status = useLiveStatus();
  if (status === 'idle') return null;
  const [color, label] =
    status === 'connected'
      ? ['green', 'Live']
      : status === 'reconnecting'
        ? ['orange', 'Reconnecting…']
        : ['gray', 'Connecting…'];
  return (
    <Badge color={color} variant="dot" data-testid="live-status" data-status={status} role="status">
      {label}
    </Badge>
  );
}

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to the ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        onClick={() => setColorScheme(next)}
        aria-label={`Switch to the ${next} theme`}
      >
        {scheme === 'dark' ? '☀' : '☾'}
      </ActionIcon>
    </Tooltip>
  );
}

function UserMenu() {
  const session = useSession();
  const navigate = useNavigate();
  const [changing, { open, close }] = useDisclosure();
  if (!session) return null;
  return (
    <>
      <Modal opened={changing} onClose={close} title="Change your password">
        <ChangePasswordForm />
      </Modal>
      <Menu position="bottom-end">
        <Menu.Target>
          <UnstyledButton aria-label="Account menu">
            <Group gap={6} wrap="nowrap">
              <Text size="sm" component="span" visibleFrom="xs">
                {session.user.username}
              </Text>
              <Badge size="xs">{session.user.role}</Badge>
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={open}>Change password</Menu.Item>
          <Menu.Item component={Link} to="/key">
            Check a relay key
          </Menu.Item>
          <Menu.Item
            onClick={async () => {
              await sessions.signOut(api);
              navigate('/sign-in', { replace: true });
            }}
          >
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </>
  );
}

/** A page the role may not open: said plainly instead of an empty table (the server refuses it too). */
export function RequireAbility(props: { ability: Parameters<typeof can>[1]; children: React.ReactNode }) {
  const session = useSession();
  if (!can(session?.user.role, props.ability)) {
    return <Text c="dimmed">Your role ({session?.user.role}) cannot open this page.</Text>;
  }
  return <>{props.children}</>;
}
