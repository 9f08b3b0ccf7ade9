// The JSON editor for one policy's settings: a monospace text area that shows why its text cannot be sent
// (checked here) or why the server refused it, beside the text.
import { Textarea } from '@mantine/core';

export function SettingsEditor(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  description?: string;
  placeholder?: string;
  readOnly?: boolean;
}) {
  return (
    <Textarea
      label={props.label}
      description={props.description}
      placeholder={props.placeholder}
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value)}
      error={props.error}
      readOnly={props.readOnly}
      autosize
      minRows={4}
      maxRows={24}
      spellCheck={false}
      autoCapitalize="off"
      autoCorrect="off"
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
    />
  );
}
