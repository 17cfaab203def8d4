/** What a `redis+cluster://` or `rediss+cluster://` URL says: the seed nodes and the options of every node connection. */
export interface ClusterUrl {
  nodes: { host: string; port: number }[];
  /** Credentials, `tls` and the query parameters (as ioredis reads them from a `redis://` URL). */
  nodeOptions: Record<string, unknown>;
}

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^/?#@]*)@)?([^/?#@]+)\/?(?:\?([^#]*))?$/i;
const NODE = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/i;

/**
 * Parses `redis[s]+cluster://[user:pass@]host1:port1,host2:port2[/][?param=value…]` (DESIGN "State": Redis Cluster);
 * undefined for any other URL (a single node). The port defaults to 6379; a database number is not allowed (a
 * cluster has only database 0). Throws TypeError when the URL is malformed.
 */
export function parseClusterUrl(url: string): ClusterUrl | undefined {
  if (!/^rediss?\+cluster:/i.test(url)) return undefined;
  const match = CLUSTER_URL.exec(url);
  if (!match) throw new TypeError("malformed Redis Cluster URL: expected redis+cluster://host:port,host:port");
  const [, scheme, userinfo, hosts, query] = match;
  const nodes = hosts!.split(",").map(parseNode);
  const nodeOptions: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(query ?? "")) nodeOptions[key] = key === "family" && /^\d+$/.test(value) ? Number(value) : value;
  const [username, password] = (userinfo ?? "").split(/:(.*)/s).map(decodeCredential);
  if (username) nodeOptions.username = username;
  if (password) nodeOptions.password = password;
  if (scheme!.toLowerCase() === "rediss") nodeOptions.tls = {};
  return { nodes, nodeOptions };
}

function decodeCredential(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new TypeError("malformed Redis Cluster URL: bad percent-encoding in the credentials");
  }
}

function parseNode(node: string): { host: string; port: number } {
  const match = NODE.exec(node);
  const port = Number(match?.[3] ?? 6379);
  if (!match || port < 1 || port > 65535) throw new TypeError(`malformed Redis Cluster seed node "${node}": expected host:port`);
  return { host: (match[1] ?? match[2])!, port };
}
