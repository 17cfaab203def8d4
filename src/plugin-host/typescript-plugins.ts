/** True once tsx's ESM loader is registered in this process by `allowTypeScript`. */
let registered = false;

/**
 * Lets the compiled server (dist/, plain node) import an external plugin written in TypeScript: registers tsx's ESM
 * loader once, on the first `.ts` plugin path. From source (tsx already loads this file) it does nothing.
 */
export async function allowTypeScript(path: string): Promise<void> {
  if (registered || !/\.[cm]?tsx?$/.test(path) || import.meta.url.endsWith(".ts")) return;
  const { register } = await import("tsx/esm/api");
  register();
  registered = true;
}
