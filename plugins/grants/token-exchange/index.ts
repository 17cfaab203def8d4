import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { TokenExchangeGrant } from "./token-exchange.grant.js";

const plugin: PluginModule = {
  id: "grants.token-exchange",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.grants, TokenExchangeGrant);
  },
};
export default plugin;
