import type { AuthnUser } from "../../plugin-sdk/authenticator.js";
import type { UserDirectory } from "../../plugin-sdk/capabilities.js";
import type { SubjectMapping } from "./trusted-issuer.js";

/** The local user behind an outside `sub`, by the issuer's mapping; "pass-through" names none; unknown and disabled users are refused. */
export async function mapSubject(mapping: SubjectMapping, subject: string, users: UserDirectory): Promise<{ user?: AuthnUser } | "unknown" | "disabled"> {
  if (mapping === "pass-through") return {};
  const user = mapping === "username" ? await users.findByUsername(subject) : await users.findById(subject);
  if (!user) return "unknown";
  return user.disabled ? "disabled" : { user };
}
