import { createHash } from "node:crypto";
import { html, SafeHtml } from "./html.js";
import { messagesFor } from "./i18n.js";
import { STYLES } from "./styles.js";

/** A CSP hash source of an inline script or style (CSP Level 3 §2.3.1, hash-source). */
export function cspHash(source: string): string {
  return `'sha256-${createHash("sha256").update(source, "utf8").digest("base64")}'`;
}

/** The CSP hash of the shared inline stylesheet. */
export const STYLE_HASH = cspHash(STYLES);

/** The page shell (HTML Living Standard §4.1): language, viewport, title, the hashed inline stylesheet and a <main> landmark with the product name. */
export function renderLayout(page: { locale: string; title: string; body: SafeHtml; script?: SafeHtml }): string {
  return html`<!doctype html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex, nofollow">
<title>${page.title}</title>
<style>${new SafeHtml(STYLES)}</style>
</head>
<body>
<main>
<p class="brand">${messagesFor(page.locale).brand}</p>
${page.body}
</main>
${page.script}
</body>
</html>
`.value;
}
