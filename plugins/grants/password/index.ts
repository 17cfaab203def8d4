import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { PasswordGrant } from "./password.grant.js";
import { passwordGrantAllowed } from "./password-grant-allowed.field.js";

const plugin: PluginModule = {
  id: "grants.password",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.grants, PasswordGrant);
    host.contribute(ExtensionPoints.clientMetadata, passwordGrantAllowed);
  },
};
export default plugin;
