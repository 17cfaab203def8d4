import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { ClientSecretPostClientAuth } from "./client-secret-post.client-auth.js";

/** `client_secret_post` client authentication (RFC 6749 §2.3.1). */
const plugin: PluginModule = {
  id: "client-auth.client-secret-post",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, ClientSecretPostClientAuth);
  },
};

export default plugin;
