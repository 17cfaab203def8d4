import type { Config } from "../../config/config.js";
import type { RandomSource } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { DurableStorage } from "../ports/repositories.js";
import { AesGcmSealer } from "./aes-gcm.sealer.js";
import type { Sealer } from "./key-service.js";

/** Name of the generated key-encryption key in `serverSecrets` when the operator configured none. */
export const GENERATED_KEK_NAME = "key-encryption-key";

/**
 * Builds the at-rest sealer (DESIGN "State"): from `KEY_ENCRYPTION_KEY` when set, otherwise from a generated key
 * stored race-safely in the database itself, which protects nothing against a database leak, hence the warning.
 */
export async function loadSealer(deps: {
  config: Pick<Config, "keyEncryptionKey">;
  durable: Pick<DurableStorage, "serverSecrets">;
  random: RandomSource;
  logger: Logger;
}): Promise<Sealer> {
  const { config, durable, random, logger } = deps;
  if (config.keyEncryptionKey) return new AesGcmSealer(Buffer.from(config.keyEncryptionKey, "base64url"));
  logger.warn(
    { setting: "KEY_ENCRYPTION_KEY" },
    "KEY_ENCRYPTION_KEY is not set: private keys and sealed secrets are encrypted with a generated key stored in the same database",
  );
  const generated = await durable.serverSecrets.getOrCreate(GENERATED_KEK_NAME, random.token(32));
  return new AesGcmSealer(Buffer.from(generated, "base64url"));
}
