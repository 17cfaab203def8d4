import "reflect-metadata";
import { parseArgs } from "node:util";
import { buildApp, type App } from "./app/build-app.js";
import { commands } from "./cli/commands.js";
import { attachOptionValues } from "./cli/option-values.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { createLogger } from "./app/create-logger.js";

const USAGE = `usage: npm run --silent cli -- <command>
  user create --username U --password P [--email E] [--name N]
  user disable --username U          (ends the user's sessions and revokes their grants)
  user enable --username U
  user totp enable --username U      (prints the base32 secret and an otpauth:// URI)
  user totp disable --username U
  client create --json '<RFC 7591 client metadata>'
  client update --client CLIENT_ID --json '<the complete new metadata>'   (keeps the secret)
  client delete --client CLIENT_ID
  registration-token create [--ttl SECONDS] [--require-software-statement] [--software-statement-issuers ISS,ISS]
                            [--software-ids ID,ID] [--require-evidence]
  resource create --id URI --scopes "a b" [--format jwt|opaque] [--ttl SECONDS]   (replaces an existing one)
  resource delete --id URI
  resource list
  issuer add --iss ISS (--jwks-uri URL | --jwks '<JWK Set>') --uses jwt-bearer[,token-exchange,software-statement,client-attestation]
             --subject username|id|pass-through [--clients ID,ID|*] [--max-lifetime SECONDS]   (replaces an existing one)
  issuer delete --iss ISS
  issuer list
  consents list --user USERNAME
  consents revoke --user USERNAME --client CLIENT_ID
  keys list
  keys rotate [--alg ES256|RS256|PS256|EdDSA]
  migrate`;

/** The CLI's options that take a value. */
const VALUE_OPTIONS = ["username", "password", "email", "name", "json", "id", "scopes", "format", "ttl", "alg", "user", "client", "iss", "jwks", "jwks-uri", "uses", "clients", "subject", "max-lifetime", "software-statement-issuers", "software-ids"];
/** The CLI's flags. */
const FLAGS = ["require-software-statement", "require-evidence"];
const OPTIONS = Object.fromEntries([...VALUE_OPTIONS.map((name) => [name, { type: "string" as const }]), ...FLAGS.map((name) => [name, { type: "boolean" as const }])]);

/** The operator CLI: same configuration as the server; JSON (or one value) on stdout, errors on stderr. */
async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: attachOptionValues(argv, new Set(VALUE_OPTIONS)),
    allowPositionals: true,
    options: OPTIONS,
  });
  const name = positionals.join(" ");
  const command = commands[name];
  if (!command) {
    process.stderr.write(`${name ? `unknown command "${name}"\n` : ""}${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const app: App = await buildApp({ config, logger: createLogger(process.env.LOG_LEVEL ?? "warn", 2) });
  try {
    // No option is `multiple`, so every value is one string or boolean.
    const output = await command(app, values as Record<string, string | boolean | undefined>);
    process.stdout.write(`${typeof output === "string" ? output : JSON.stringify(output, null, 2)}\n`);
    return 0;
  } finally {
    await app.stop();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError || error instanceof RangeError || (error as { name?: string })?.name === "OAuthError" || (error as { name?: string })?.name === "UserExistsError"
      ? (error as Error).message
      : String((error as Error)?.stack ?? error);
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  },
);
