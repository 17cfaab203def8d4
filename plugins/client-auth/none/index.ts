import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { NoneClientAuth } from "./none.client-auth.js";

/** `none` (public clients) client authentication (RFC 6749 §2.1). */
const plugin: PluginModule = {
  id: "client-auth.none",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, NoneClientAuth);
  },
};

export default plugin;
