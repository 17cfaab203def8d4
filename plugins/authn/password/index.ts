import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { PasswordAuthenticator } from "./password.authenticator.js";

const plugin: PluginModule = {
  id: "authn.password",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.authenticators, PasswordAuthenticator);
  },
};
export default plugin;
