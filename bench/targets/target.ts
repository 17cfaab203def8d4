import type { CodeFlowSpec } from "../lib/code-flow.js";
import type { Children } from "../lib/processes.js";
import type { ClientCredentials } from "../lib/token-request.js";

/** What a target needs from the orchestrator. */
export interface TargetContext {
  repoRoot: string;
  /** The bench's scratch folder (.bench-tmp, gitignored). */
  tmpDir: string;
  children: Children;
  /** Core (or `taskset -c` core list) to pin the server to. */
  core: number | string;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeFlags: string[];
}

/** A server under test, started and answering tokens. */
export interface RunningTarget {
  /** The target's id (as in Target). */
  id: string;
  /** pid of the server process itself (for VmRSS). */
  pid: number;
  /** What exactly runs (e.g. the installed peer version), for the report. */
  version?: string;
  baseUrl: string;
  client: ClientCredentials;
  /** True when the token endpoint takes DPoP proofs (RFC 9449) and the DPoP scenario applies. */
  dpop?: boolean;
  /** host:port of an internal gRPC listener, when the target has one. */
  grpcAddress?: string;
  /** Signs a browser in once and returns it with the client of the code flow scenario, when the target has one. */
  signInForCodeFlow?(): Promise<CodeFlowSpec>;
  /** Log file of the server. */
  logFile: string;
  stop(): Promise<void>;
}

export interface Target {
  /** Short id used in the table and results.json. */
  id: string;
  description: string;
  /** Checkout the server's source comes from, when not this repository (for profile attribution). */
  sourceRoot?: string;
  start(context: TargetContext): Promise<RunningTarget>;
}
