// Role: managers add or change one spend limit — for a user or a user group, per day, week or month, a cap in
// dollars (sent as cents) or an explicit "no cap". Scope and period name the limit (setting one again
// replaces it), so a change keeps them and edits the amount.
import { SpendLimitsPageSetDocument, type SpendPeriod } from '@clients/generated/graphql/graphql';
import {
  Autocomplete,
  Button,
  Checkbox,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { messageUnder } from '../../components/field-errors';
import { ErrorNotice } from '../../components/page';
import { GROUP_RULE, groupNameError } from '../../components/user-groups';
import { dollarsToCents, PERIOD_LABELS, PERIODS, type SpendLimit } from './spend-text';

type ScopeType = 'user' | 'group';
type Problems = Partial<Record<'user' | 'group' | 'amount', string>>;

export function SpendLimitForm(props: {
  /** The limit being changed; undefined adds one. */
  initial: SpendLimit | undefined;
  users: ReadonlyArray<{ value: string; label: string }>;
  /** Group names to suggest (those already used by limits or users). */
  groups: readonly string[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { initial } = props;
  const editing = initial !== undefined;
  const save = useMutation(SpendLimitsPageSetDocument);
  const [scopeType, setScopeType] = useState<ScopeType>(initial?.scope.type === 'user' ? 'user' : 'group');
  const [userId, setUserId] = useState(initial?.scope.userId ?? '');
  const [group, setGroup] = useState(initial?.scope.group ?? '');
  const [period, setPeriod] = useState<SpendPeriod>(initial?.period ?? 'monthly');
  const [noCap, setNoCap] = useState(initial !== undefined && initial.amountCents === null);
  const [amount, setAmount] = useState<number | string>(
    initial?.amountCents == null ? '' : initial.amountCents / 100,
  );
  const [problems, setProblems] = useState<Problems>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Problems = {};
    if (scopeType === 'user' && userId === '') found.user = 'Choose a user';
    const groupProblem = scopeType === 'group' ? groupNameError(group) : undefined;
    if (groupProblem) found.group = groupProblem;
    const converted = noCap ? { cents: null } : dollarsToCents(amount);
    if ('error' in converted) found.amount = converted.error;
    setProblems(found);
    if (Object.keys(found).length > 0 || 'error' in converted) return;
    const scope = scopeType === 'user' ? { userId } : { group: group.trim() };
    const result = await save.run({ scope, period, amountCents: converted.cents });
    if (result) props.onSaved();
  };

  const errors = save.fieldErrors;
  const userError = problems.user ?? messageUnder(errors, 'scope.userId') ?? errors.scope;
  const groupError = problems.group ?? messageUnder(errors, 'scope.group') ?? errors.scope;
  const amountError = problems.amount ?? errors.amountCents;
  const periodError = errors.period;
  const placed = [userError, groupError, amountError, periodError].some((error) => error !== undefined);

  return (
    <form onSubmit={submit} noValidate aria-label="Spend limit">
      <Stack gap="sm">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Applies to
          </Text>
          <SegmentedControl
            value={scopeType}
            onChange={(value) => setScopeType(value === 'user' ? 'user' : 'group')}
            data={[
              { value: 'group', label: 'User group' },
              { value: 'user', label: 'User' },
            ]}
            disabled={editing}
            aria-label="Applies to"
          />
          <Text size="xs" c="dimmed">
            {scopeType === 'group'
              ? 'A default cap for every member of the group; when a person is in several, the largest applies.'
              : 'A cap for one person; it replaces what their groups set for this period.'}
          </Text>
        </Stack>
        {scopeType === 'user' ? (
          <Select
            label="User"
            data={props.users}
            value={userId || null}
            onChange={(value) => setUserId(value ?? '')}
            searchable
            readOnly={editing}
            error={userError}
            required
          />
        ) : (
          <Autocomplete
            label="Group"
            description={GROUP_RULE}
            data={[...props.groups]}
            value={group}
            onChange={setGroup}
            readOnly={editing}
            error={groupError}
            required
          />
        )}
        <Select
          label="Period"
          description="Days, weeks and months count in the relay’s time zone."
          data={PERIODS.map((value) => ({ value, label: PERIOD_LABELS[value] }))}
          value={period}
          onChange={(value) => {
            const chosen = PERIODS.find((candidate) => candidate === value);
            if (chosen) setPeriod(chosen);
          }}
          allowDeselect={false}
          readOnly={editing}
          error={periodError}
        />
        <Checkbox
          label="No cap"
          description={
            scopeType === 'user'
              ? 'Exempts this user from their groups’ caps for this period.'
              : 'Members of this group have no cap for this period, whatever their other groups set.'
          }
          checked={noCap}
          onChange={(event) => setNoCap(event.currentTarget.checked)}
        />
        <NumberInput
          label="Cap in US dollars"
          description="Across all the person’s keys and signed-in devices; 0 allows no spend."
          value={noCap ? '' : amount}
          onChange={setAmount}
          disabled={noCap}
          min={0}
          decimalScale={2}
          prefix="$"
          thousandSeparator=","
          hideControls
          error={noCap ? undefined : amountError}
          required={!noCap}
        />
        {save.error && !placed ? <ErrorNotice error={save.error} title="The limit was not saved" /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel} disabled={save.running}>
            Cancel
          </Button>
          <Button type="submit" loading={save.running} disabled={save.running}>
            Save limit
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
