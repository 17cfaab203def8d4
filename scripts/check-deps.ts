/**
 * Enforces the dependency direction of DESIGN.md "Layout":
 * plugins → portcullis/plugin-sdk only (plus jose, node:*) · core → never gen, storage, transport, app, plugin-host ·
 * storage → core only · plugin-host → plugin-sdk, core · transport → never app or storage ·
 * resource-server (a client library) → its own folder, gen, grpc-js, protobuf-es, node:* · examples → published entry points only.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const IMPORT = /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

interface Rule {
  scope: string;
  forbidden: (target: string, spec: string, file: string) => boolean;
  message: string;
}

const inside = (target: string, folder: string) => target === folder || target.startsWith(`${folder}/`);
const rules: Rule[] = [
  {
    // A first-party plugin is written exactly as an external one: the SDK by its package name, nothing of core.
    scope: "plugins/",
    forbidden: (target, spec, file) => {
      if (!spec.startsWith(".")) return !(spec === "portcullis/plugin-sdk" || spec === "jose" || spec.startsWith("node:"));
      if (file === "plugins/index.ts") return !inside(target, "plugins");
      return !inside(target, file.split("/").slice(0, 3).join("/"));
    },
    message: "plugins may import only portcullis/plugin-sdk, jose, node:* and their own folder",
  },
  { scope: "src/core/", forbidden: (t) => ["gen", "src/storage", "src/transport", "src/app", "src/plugin-host", "plugins"].some((f) => inside(t, f)), message: "core must not import gen, storage, transport, app, plugin-host or plugins" },
  { scope: "src/storage/", forbidden: (t) => ["gen", "src/transport", "src/app", "src/plugin-host", "plugins"].some((f) => inside(t, f)), message: "storage may import only core" },
  { scope: "src/plugin-host/", forbidden: (t) => ["gen", "src/storage", "src/transport", "src/app", "plugins"].some((f) => inside(t, f)), message: "plugin-host may import only plugin-sdk and core" },
  {
    scope: "src/transport/",
    forbidden: (t, _spec, file) =>
      ["src/app", "src/storage", "plugins"].some((f) => inside(t, f)) || (inside(t, "gen") && !inside(file, "src/transport/rpc/mappers") && !file.endsWith(".rpc.ts") && !file.includes("/rpc/")),
    message: "transport must not import app, storage or plugins; only rpc code imports gen",
  },
  {
    // The resource-server library runs inside other people's servers: nothing of Portcullis but the generated protos.
    scope: "src/resource-server/",
    forbidden: (target, spec) =>
      spec.startsWith(".") ? !(inside(target, "src/resource-server") || inside(target, "gen")) : !(spec === "@grpc/grpc-js" || spec === "@bufbuild/protobuf" || spec.startsWith("@bufbuild/protobuf/") || spec.startsWith("node:")),
    message: "the resource-server library may import only its own folder, gen, @grpc/grpc-js, @bufbuild/protobuf and node:*",
  },
  {
    // Examples are written as a user of the package would write them.
    scope: "examples/",
    forbidden: (target, spec, file) => (spec.startsWith(".") ? !inside(target, dirname(file)) : !(spec.startsWith("portcullis/") || spec === "@grpc/grpc-js" || spec.startsWith("node:"))),
    message: "examples may import only portcullis/* entry points, @grpc/grpc-js, node:* and their own folder",
  },
  { scope: "src/plugin-sdk/", forbidden: (t, spec) => (spec.startsWith(".") ? !inside(t, "src/plugin-sdk") : false), message: "the SDK must be self-contained" },
];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

const violations: string[] = [];
for (const folder of ["src", "plugins", "examples"]) {
  for (const path of files(join(root, folder))) {
    const file = relative(root, path);
    const rule = rules.find((r) => file.startsWith(r.scope));
    if (!rule) continue;
    for (const match of readFileSync(path, "utf8").matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2])!;
      const target = spec.startsWith(".") ? relative(root, resolve(dirname(path), spec)) : spec;
      if (rule.forbidden(target, spec, file)) violations.push(`${file}: imports "${spec}" — ${rule.message}`);
    }
  }
}
if (violations.length > 0) {
  process.stderr.write(`Dependency rule violations:\n  ${violations.join("\n  ")}\n`);
  process.exit(1);
}
process.stdout.write("dependency rules: ok\n");
