// Hooks for one query or mutation of the generated documents: loading/error state, reload, field errors.
import { type RelayGraphQLClient, RelayGraphQLError } from '@clients/graphql-client';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

export interface QueryState<Result> {
  data: Result | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Runs the query on mount and whenever `variables` change (by value); `skip` holds it back. */
export function useQuery<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  options: { skip?: boolean; client?: RelayGraphQLClient } = {},
): QueryState<Result> {
  const [data, setData] = useState<Result | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(!options.skip);
  const key = JSON.stringify(variables);
  const client = options.client ?? api;
  // Answers to an older request arriving after a newer one must not overwrite it.
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const result = await client.request(document, JSON.parse(key) as Variables);
      if (mine === generation.current) {
        setData(result);
        setError(undefined);
      }
    } catch (caught) {
      if (mine === generation.current) setError(asError(caught));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [client, document, key]);
  useEffect(() => {
    if (!options.skip) void reload();
  }, [reload, options.skip]);
  return { data, error, loading, reload };
}

export interface MutationState<Result, Variables> {
  run: (variables: Variables) => Promise<Result | undefined>;
  running: boolean;
  error: Error | undefined;
  /** The server's message for each input field it refused (`extensions.field`), for the form beside it. */
  fieldErrors: Record<string, string>;
  reset: () => void;
}

export function useMutation<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
): MutationState<Result, Variables> {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const run = useCallback(
    async (variables: Variables) => {
      setRunning(true);
      setError(undefined);
      setFieldErrors({});
      try {
        return await api.request(document, variables);
      } catch (caught) {
        const failure = asError(caught);
        const field = failure instanceof RelayGraphQLError ? fieldName(failure.field) : undefined;
        if (field && failure instanceof RelayGraphQLError) {
          // Services prefix the message with the field's path; beside the field that would say it twice.
          const message = failure.message.startsWith(`${failure.field}: `)
            ? failure.message.slice(`${failure.field}: `.length)
            : failure.message;
          setFieldErrors({ [field]: message });
        }
        setError(failure);
        return undefined;
      } finally {
        setRunning(false);
      }
    },
    [document],
  );
  const reset = useCallback(() => {
    setError(undefined);
    setFieldErrors({});
  }, []);
  return { run, running, error, fieldErrors, reset };
}

/**
 * The form field a server error names: `input.limits.dailyCostMicros` → `limits.dailyCostMicros`, so forms
 * key their fields by the input's own path.
 */
export function fieldName(field: string | undefined): string | undefined {
  if (!field) return undefined;
  return field.replace(/^(input|args)\./, '');
}

function asError(caught: unknown): Error {
  return caught instanceof Error ? caught : new Error(String(caught));
}
