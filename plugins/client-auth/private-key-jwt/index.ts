import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { PrivateKeyJwtClientAuth } from "./private-key-jwt.client-auth.js";

/** `private_key_jwt` client authentication (RFC 7523 §2.2, OIDC Core §9). */
const plugin: PluginModule = {
  id: "client-auth.private-key-jwt",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, PrivateKeyJwtClientAuth);
  },
};

export default plugin;
