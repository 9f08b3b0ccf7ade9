// Exhaustiveness guard for switches over unions: adding a member without handling it fails to compile.
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
