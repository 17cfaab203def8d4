import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A key pair and certificate on disk, with the PEM bytes and the RFC 8705 `x5t#S256` thumbprint. */
export interface TestIdentity {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
  thumbprint: string;
}

/** A throwaway CA in a temp dir, issuing P-256 certificates with the `openssl` CLI. */
export interface TestPki {
  dir: string;
  ca: TestIdentity;
  /**
   * A certificate signed by the CA, with `extensions` (openssl x509v3 config lines, e.g. `subjectAltName=IP:127.0.0.1`)
   * and `subject` (openssl `-subj` form, e.g. `/C=DE/O=Example/CN=client`; `/CN=<name>` by default).
   */
  issue(name: string, extensions: string[], subject?: string): TestIdentity;
  /** A self-signed certificate no CA vouches for. */
  selfSigned(name: string, extensions: string[], subject?: string): TestIdentity;
  dispose(): void;
}

/** Why tests needing certificates must skip, or undefined when the `openssl` CLI is available. */
export function opensslMissing(): string | undefined {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "the openssl CLI is not installed; TLS tests need it to create throwaway certificates";
  }
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-pki-"));
  const file = (name: string) => join(dir, name);
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const identity = (name: string): TestIdentity => {
    const certPath = file(`${name}.pem`);
    const der = execFileSync("openssl", ["x509", "-in", certPath, "-outform", "DER"]);
    return { certPath, keyPath: file(`${name}.key`), cert: readFileSync(certPath), key: readFileSync(file(`${name}.key`)), thumbprint: createHash("sha256").update(der).digest("base64url") };
  };
  const selfSigned = (name: string, extensions: string[], subject = `/CN=${name}`) => {
    const addext = extensions.flatMap((extension) => ["-addext", extension]);
    openssl("req", "-x509", ...newKey, "-keyout", file(`${name}.key`), "-out", file(`${name}.pem`), "-days", "1", "-subj", subject, ...addext);
    return identity(name);
  };
  const ca = selfSigned("ca", ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign"]);
  return {
    dir,
    ca,
    selfSigned,
    issue(name, extensions, subject = `/CN=${name}`) {
      writeFileSync(file(`${name}.ext`), `${extensions.join("\n")}\n`);
      openssl("req", "-new", ...newKey, "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`), "-subj", subject);
      openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", ca.certPath, "-CAkey", ca.keyPath, "-out", file(`${name}.pem`), "-days", "1", "-extfile", file(`${name}.ext`));
      return identity(name);
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Extensions of a TLS server certificate for the loopback listeners of the tests. */
export const LOOPBACK_SERVER_EXTENSIONS = ["subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost", "extendedKeyUsage=serverAuth"];

/** A client certificate's subject DN and one SAN of each RFC 8705 §2.1.2 type, for `tls_client_auth` matching. */
export const CLIENT_IDENTITY = {
  subject: "/C=DE/O=Portcullis Test/OU=Clients/CN=client.example.com",
  /** The subject as RFC 4514 renders it (`tls_client_auth_subject_dn`). */
  subjectDn: "CN=client.example.com,OU=Clients,O=Portcullis Test,C=DE",
  dns: "client.example.com",
  uri: "https://client.example.com/app",
  ip: "192.0.2.7",
  email: "client@example.com",
} as const;

/** The extensions of a client certificate carrying CLIENT_IDENTITY's SANs. */
export const CLIENT_EXTENSIONS = [
  `subjectAltName=DNS:${CLIENT_IDENTITY.dns},URI:${CLIENT_IDENTITY.uri},IP:${CLIENT_IDENTITY.ip},email:${CLIENT_IDENTITY.email}`,
  "extendedKeyUsage=clientAuth",
];

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}
