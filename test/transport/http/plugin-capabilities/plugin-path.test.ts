import assert from "node:assert/strict";
import { test } from "node:test";
import { pluginPath } from "../../../../src/transport/http/plugin-capabilities/plugin-path.js";

test("a plugin page path is a plain path below the issuer", () => {
  for (const path of ["/device", "/device/complete", "/a-b_c.d~e/"]) assert.equal(pluginPath(path), path);
});

test("anything that could leave the issuer or smuggle a query is a plugin bug", () => {
  for (const path of ["device", "//evil.example/x", "https://evil.example/", "/a/../b", "/./a", "/a?b=c", "/a#b", "/a b", "/a\\b", "/%2e%2e/"]) {
    assert.throws(() => pluginPath(path), /a plugin page path must be a plain path below the issuer/, path);
  }
});
