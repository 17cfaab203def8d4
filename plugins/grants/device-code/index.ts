import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { DeviceAuthorizationEndpoint } from "./device-authorization.endpoint.js";
import { DeviceCodeGrant } from "./device-code.grant.js";
import { VerificationCompleteEndpoint } from "./verification-complete.endpoint.js";
import { VerificationEndpoint } from "./verification.endpoint.js";

const plugin: PluginModule = {
  id: "grants.device-code",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.grants, DeviceCodeGrant);
    host.contribute(ExtensionPoints.endpoints, DeviceAuthorizationEndpoint);
    host.contribute(ExtensionPoints.endpoints, VerificationEndpoint);
    host.contribute(ExtensionPoints.endpoints, VerificationCompleteEndpoint);
  },
};
export default plugin;
