import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { JsonLinesFileAuditSink } from "./json-lines-file.audit-sink.js";

/** Writes audit events to a file when PLUGIN_OPTIONS gives it a `path`; contributes nothing otherwise. */
const plugin: PluginModule = {
  id: "audit.json-lines-file",
  apiVersion: 1,
  register(host) {
    const { path } = host.options;
    if (path === undefined) return;
    if (typeof path !== "string" || path === "") throw new Error('option "path" must be a non-empty file path');
    host.contribute(ExtensionPoints.auditSinks, JsonLinesFileAuditSink);
  },
};
export default plugin;
