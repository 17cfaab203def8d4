/**
 * Writes `--name value` as `--name=value` for the CLI's options, so that a value starting with "-" (client ids and
 * secrets are base64url: one in 64 starts with "-") is taken as the value, not refused as an ambiguous option.
 */
export function attachOptionValues(argv: readonly string[], options: ReadonlySet<string>): string[] {
  const attached: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : undefined;
    if (name !== undefined && options.has(name) && i + 1 < argv.length) attached.push(`${arg}=${argv[++i]}`);
    else attached.push(arg);
  }
  return attached;
}
