import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeHtml, html, SafeHtml } from "../../../../src/transport/http/views/html.js";

describe("html template", () => {
  it("escapes every character that can end text or a quoted attribute", () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&\`=</a>`), "&lt;a href&#61;&quot;x&quot; title&#61;&#39;y&#39;&gt;&amp;&#96;&#61;&lt;/a&gt;");
  });

  it("escapes interpolated text but keeps markup the template produced", () => {
    const inner = html`<b>${"<i>"}</b>`;
    assert.ok(inner instanceof SafeHtml);
    assert.equal(html`<p title="${'"><x'}">${inner}</p>`.value, `<p title="&quot;&gt;&lt;x"><b>&lt;i&gt;</b></p>`);
  });

  it("joins lists, prints numbers and drops undefined, null and false", () => {
    assert.equal(html`${["<", html`<br>`, 3]}|${undefined}|${null}|${false}`.value, "&lt;<br>3|||");
  });

  it("never trusts strings that merely look like markup", () => {
    assert.equal(html`${{ value: "<x>" } as unknown as string}`.value, "[object Object]");
  });
});
