import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { ClientCredentialsGrant } from "./client-credentials.grant.js";

const plugin: PluginModule = {
  id: "grants.client-credentials",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.grants, ClientCredentialsGrant);
  },
};
export default plugin;
