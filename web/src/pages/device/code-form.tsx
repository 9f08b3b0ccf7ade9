// The verification page's first step: the sign-in code, filled in from the link the terminal opened but only
// looked up when the person presses Continue (RFC 8628 §5.4: opening a link must not act on a code).
import {
  DevicePageSignInDocument,
  type GatewaySignInFieldsFragment,
} from '@clients/generated/graphql/graphql';
import { Alert, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { errorAt } from '../../components/field-errors';
import { signInProblem } from './sign-in-errors';

export function CodeForm(props: {
  initialCode: string;
  onFound: (signIn: GatewaySignInFieldsFragment) => void;
}) {
  const [code, setCode] = useState(props.initialCode);
  // A look-up on demand: the hook runs any document when asked, with the server's field errors.
  const lookUp = useMutation(DevicePageSignInDocument);
  const codeError = errorAt(lookUp.fieldErrors, 'userCode');
  const problem = lookUp.error && !codeError ? signInProblem(lookUp.error) : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await lookUp.run({ userCode: code.trim() });
    if (result) props.onFound(result.gatewaySignIn);
  };

  return (
    <Paper withBorder p="lg" maw={520}>
      <form onSubmit={submit} noValidate autoComplete="off">
        <Stack>
          <TextInput
            label="Sign-in code"
            description="The code your terminal shows, like WDJB-MJHT. Letters only; case and dashes do not matter."
            name="user-code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={32}
            size="md"
            styles={{
              input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.08em' },
            }}
            value={code}
            onChange={(event) => {
              setCode(event.currentTarget.value.toUpperCase());
              lookUp.reset();
            }}
            error={codeError}
          />
          {problem ? (
            <Alert color="red" title={problem.title} role="alert">
              <Stack gap={4}>
                <Text size="sm">{problem.message}</Text>
                {problem.advice ? <Text size="sm">{problem.advice}</Text> : null}
              </Stack>
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" loading={lookUp.running} disabled={!code.trim()}>
              Continue
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
