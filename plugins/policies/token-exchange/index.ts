import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { TokenExchangeMetadataField } from "./token-exchange-metadata.field.js";
import { ClientMetadataTokenExchangePolicy } from "./token-exchange.policy.js";

const plugin: PluginModule = {
  id: "policies.token-exchange",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientMetadata, TokenExchangeMetadataField);
    host.contribute(ExtensionPoints.tokenExchangePolicies, ClientMetadataTokenExchangePolicy);
  },
};
export default plugin;
