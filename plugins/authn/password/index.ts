import { ExtensionPoints, type PluginModule } from "../../../src/plugin-sdk/index.js";
import { PasswordAuthenticator } from "./password.authenticator.js";

const plugin: PluginModule = {
  id: "authn.password",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.authenticators, PasswordAuthenticator);
  },
};
export default plugin;
