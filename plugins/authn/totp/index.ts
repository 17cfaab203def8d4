import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { TotpAuthenticator } from "./totp.authenticator.js";

const plugin: PluginModule = {
  id: "authn.totp",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.authenticators, TotpAuthenticator);
  },
};
export default plugin;
