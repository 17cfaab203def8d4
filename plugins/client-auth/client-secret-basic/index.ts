import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { ClientSecretBasicClientAuth } from "./client-secret-basic.client-auth.js";

/** `client_secret_basic` client authentication (RFC 6749 §2.3.1). */
const plugin: PluginModule = {
  id: "client-auth.client-secret-basic",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, ClientSecretBasicClientAuth);
  },
};

export default plugin;
