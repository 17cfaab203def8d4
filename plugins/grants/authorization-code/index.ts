import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { AuthorizationCodeGrant } from "./authorization-code.grant.js";

const plugin: PluginModule = {
  id: "grants.authorization-code",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.grants, AuthorizationCodeGrant);
  },
};
export default plugin;
