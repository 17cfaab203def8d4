import assert from "node:assert/strict";
import { test } from "node:test";
import { FormParams } from "../../../../src/plugin-sdk/form-params.js";
import { browserLocales } from "../../../../src/transport/http/views/browser-locales.js";

const request = (params: Record<string, string>, acceptLanguage?: string) => ({
  params: FormParams.from(params),
  headers: acceptLanguage === undefined ? {} : { "accept-language": acceptLanguage },
});

test("ui_locales wins over Accept-Language (OIDC Core §3.1.2.1)", () => {
  assert.deepEqual(browserLocales(request({ ui_locales: "de-AT  en" }, "fr")), ["de-AT", "en"]);
});

test("Accept-Language ranges are ordered by weight, stable for equal weights; q=0, * and malformed ranges are dropped (RFC 9110 §12.5.4)", () => {
  assert.deepEqual(browserLocales(request({}, "fr;q=0.9, de-CH;q=0.95, en, it;q=0, *;q=0.1, x y, es;q=2")), ["en", "de-CH", "fr"]);
  assert.deepEqual(browserLocales(request({}, "de, en")), ["de", "en"]);
  assert.deepEqual(browserLocales(request({})), []);
});
