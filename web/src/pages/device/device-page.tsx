// Role: the gateway sign-in's verification page (/admin/device, where Claude Code's /login → "Cloud gateway"
// sends the person): enter or confirm the code, see what is asking, approve it with one of your keys or deny it.
import type { GatewaySignInFieldsFragment } from '@clients/generated/graphql/graphql';
import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page';
import { surfaceName } from '../devices/device-text';
import { CodeForm } from './code-form';
import { SignInReview } from './sign-in-review';

type Step =
  | { kind: 'enter' }
  | { kind: 'review'; signIn: GatewaySignInFieldsFragment }
  | { kind: 'approved'; signIn: GatewaySignInFieldsFragment; keyLabel: string }
  | { kind: 'denied'; signIn: GatewaySignInFieldsFragment };

function Outcome(props: { step: Extract<Step, { kind: 'approved' | 'denied' }>; onOtherCode: () => void }) {
  const { step } = props;
  const approved = step.kind === 'approved';
  const what = `${surfaceName(step.signIn.surface)} (code ${step.signIn.userCode})`;
  return (
    <Stack maw={620} data-testid="sign-in-outcome" data-outcome={step.kind}>
      <Alert
        color={approved ? 'green' : 'gray'}
        title={approved ? 'Device signed in. You can return to your terminal.' : 'Sign-in denied.'}
        role="status"
      >
        <Text size="sm">
          {approved
            ? `${what} is signed in as you and uses ${step.keyLabel}. You can sign it out any time on the devices page.`
            : `${what} was not signed in; your terminal will say the sign-in was refused.`}
        </Text>
      </Alert>
      <Group>
        <Anchor component={Link} to="/devices" size="sm">
          Your signed-in devices
        </Anchor>
        <Button variant="subtle" size="xs" onClick={props.onOtherCode}>
          Enter another code
        </Button>
      </Group>
    </Stack>
  );
}

export default function DevicePage() {
  const [params] = useSearchParams();
  const [step, setStep] = useState<Step>({ kind: 'enter' });
  // Back to the form with an empty code: the code in the address belonged to the sign-in just handled.
  const [initialCode, setInitialCode] = useState(() => params.get('user_code') ?? '');
  const otherCode = () => {
    setInitialCode('');
    setStep({ kind: 'enter' });
  };

  const body = (() => {
    switch (step.kind) {
      case 'enter':
        return (
          <CodeForm initialCode={initialCode} onFound={(signIn) => setStep({ kind: 'review', signIn })} />
        );
      case 'review':
        return (
          <SignInReview
            signIn={step.signIn}
            onApproved={(keyLabel) => setStep({ kind: 'approved', signIn: step.signIn, keyLabel })}
            onDenied={() => setStep({ kind: 'denied', signIn: step.signIn })}
            onOtherCode={otherCode}
          />
        );
      case 'approved':
      case 'denied':
        return <Outcome step={step} onOtherCode={otherCode} />;
      default: {
        const unknown: never = step;
        return unknown;
      }
    }
  })();

  return (
    <>
      <PageHeader
        title="Sign in a device"
        description="A device signing in with /login in Claude Code (“Cloud gateway”) shows a code and opens this page. Confirm the code to see what is asking, then approve or deny it."
      />
      {body}
    </>
  );
}
