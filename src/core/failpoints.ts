/** Crash points for fault tests (corpus S109/S110; docs/decisions.md "Failpoints"). */
export type FailpointName = "after-code-consume" | "after-token-insert" | "after-refresh-rotation";

const NAMES: ReadonlySet<string> = new Set<FailpointName>(["after-code-consume", "after-token-insert", "after-refresh-rotation"]);

/** The failpoints armed by `PORTCULLIS_FAILPOINTS` (comma-separated), read once; only under NODE_ENV=test, never in production. */
export function armedFailpoints(env: NodeJS.ProcessEnv): ReadonlySet<string> {
  const names = (env.PORTCULLIS_FAILPOINTS ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) return new Set();
  if (env.NODE_ENV !== "test") throw new Error("PORTCULLIS_FAILPOINTS is for test builds only: it needs NODE_ENV=test");
  const unknown = names.filter((name) => !NAMES.has(name));
  if (unknown.length > 0) throw new Error(`PORTCULLIS_FAILPOINTS: unknown failpoint ${unknown.join(", ")} (known: ${[...NAMES].join(", ")})`);
  return new Set(names);
}

const armed = armedFailpoints(process.env);

/** Kills the process with SIGKILL at an armed failpoint, as a crash at that instant would; with none armed it is an empty function. */
export const failpoint: (name: FailpointName) => void =
  armed.size === 0
    ? () => {}
    : (name) => {
        if (armed.has(name)) process.kill(process.pid, "SIGKILL");
      };
