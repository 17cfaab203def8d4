/** The one stylesheet of every page; inlined and allowed by its CSP hash (CSP Level 3 §2.3.1), no external assets. */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f3f4f6; --card: #ffffff; --text: #111827; --muted: #4b5563; --border: #d1d5db;
  --accent: #1d4ed8; --accent-hover: #1e40af; --on-accent: #ffffff; --focus: #2563eb;
  --error-bg: #fef2f2; --error-text: #991b1b; --error-border: #fca5a5; --code-bg: #f3f4f6;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0b1120; --card: #111827; --text: #f3f4f6; --muted: #9ca3af; --border: #374151;
    --accent: #3b82f6; --accent-hover: #60a5fa; --on-accent: #0b1120; --focus: #93c5fd;
    --error-bg: #450a0a; --error-text: #fecaca; --error-border: #b91c1c; --code-bg: #1f2937;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; padding: 1.5rem 1rem;
  background: var(--bg); color: var(--text); line-height: 1.5;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
main {
  width: 100%; max-width: 26rem; background: var(--card); border: 1px solid var(--border); border-radius: 0.75rem;
  padding: 2rem 1.75rem; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.08), 0 8px 24px rgba(0, 0, 0, 0.06);
}
.brand { margin: 0 0 1.25rem; font-size: 0.875rem; font-weight: 600; letter-spacing: 0.04em; text-transform: uppercase; color: var(--muted); }
h1 { margin: 0 0 0.5rem; font-size: 1.5rem; line-height: 1.25; font-weight: 650; }
p { margin: 0 0 1rem; }
.lead { color: var(--muted); }
strong { font-weight: 600; color: var(--text); }
form { margin: 0; }
.field { margin: 0 0 1rem; }
label { display: block; margin: 0 0 0.375rem; font-weight: 600; font-size: 0.9375rem; }
input[type="text"], input[type="password"] {
  display: block; width: 100%; padding: 0.625rem 0.75rem; font: inherit; color: var(--text); background: var(--card);
  border: 1px solid var(--border); border-radius: 0.5rem;
}
input[aria-invalid="true"] { border-color: var(--error-border); }
input.code-input { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 1.25rem; letter-spacing: 0.15em; text-align: center; text-transform: uppercase; }
button {
  display: block; width: 100%; margin: 0.5rem 0 0; padding: 0.6875rem 1rem; font: inherit; font-weight: 600; cursor: pointer;
  border-radius: 0.5rem; border: 1px solid var(--accent); background: var(--accent); color: var(--on-accent);
}
button:hover { background: var(--accent-hover); border-color: var(--accent-hover); }
button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
button.secondary:hover { background: var(--bg); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
a { color: var(--accent); text-underline-offset: 0.15em; }
.alert {
  margin: 0 0 1rem; padding: 0.75rem 0.875rem; border-radius: 0.5rem; border: 1px solid var(--error-border);
  background: var(--error-bg); color: var(--error-text);
}
.scopes { list-style: none; margin: 0 0 1.25rem; padding: 0; border-top: 1px solid var(--border); }
.scopes li { padding: 0.625rem 0; border-bottom: 1px solid var(--border); }
.scopes code { display: block; margin-top: 0.125rem; font-size: 0.8125rem; color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.code { padding: 0.125rem 0.375rem; border-radius: 0.25rem; background: var(--code-bg); }
.links { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; margin: 0 0 1.25rem; padding: 0; list-style: none; font-size: 0.875rem; }
.actions { margin-top: 1.5rem; }
.name { overflow-wrap: anywhere; }
@media (max-width: 30rem) {
  body { padding: 0; align-items: stretch; }
  main { max-width: none; border: 0; border-radius: 0; box-shadow: none; padding: 1.5rem 1.25rem; }
}
`;
