import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { JwtBearerGrant } from "./jwt-bearer.grant.js";

const plugin: PluginModule = {
  id: "grants.jwt-bearer",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.grants, JwtBearerGrant);
  },
};
export default plugin;
