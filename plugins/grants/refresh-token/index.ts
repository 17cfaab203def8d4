import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { RefreshTokenGrant } from "./refresh-token.grant.js";

const plugin: PluginModule = {
  id: "grants.refresh-token",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.grants, RefreshTokenGrant);
  },
};
export default plugin;
