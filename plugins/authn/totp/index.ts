import { ExtensionPoints, type PluginModule } from "../../../src/plugin-sdk/index.js";
import { TotpAuthenticator } from "./totp.authenticator.js";

const plugin: PluginModule = {
  id: "authn.totp",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.authenticators, TotpAuthenticator);
  },
};
export default plugin;
