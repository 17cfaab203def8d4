import { readFileSync } from "node:fs";
import { configError } from "./config.js";
import { SETTINGS, type SettingName } from "./defaults.js";

/** Reads the PEM file a setting names and parses it, so a bad file fails the boot with the setting's name. */
export function loadPem<T>(setting: SettingName, path: string, kind: string, parse: (pem: Buffer) => T): [Buffer, T] {
  const env = SETTINGS[setting].env;
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw configError([`${env}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "read error"})`]);
  }
  try {
    return [pem, parse(pem)];
  } catch {
    throw configError([`${env}: ${path} holds no PEM ${kind}`]);
  }
}
