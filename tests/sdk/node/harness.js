// What the Node SDK checks share: a clean environment for the SDKs, the BASE_URL argument and the check runner.
// Require it before any SDK: loading it removes the proxy variables and gives the process a private HOME.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

// The Tencent SDK sends every request through $http_proxy (it reads no NO_PROXY, so loopback too) and axios under the
// Huawei SDK reads these variables as well: with none set, nothing can send the requests to regmock elsewhere.
for (const name of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]) {
  delete process.env[name];
}
// The Huawei SDK writes ~/.huaweicloud/application_id on its first client: keep that out of the real home.
const home = fs.mkdtempSync(path.join(os.tmpdir(), "regmock-sdk-home-"));
process.env.HOME = home;
process.on("exit", () => fs.rmSync(home, { recursive: true, force: true }));

/** The BASE_URL argument (http://HOST:PORT) as a URL; exits with the usage line if it is missing or not one. */
function baseUrl(script) {
  const usage = `usage: node ${script} BASE_URL   (e.g. http://127.0.0.1:8080)`;
  let url;
  try {
    url = new URL(process.argv[2]);
  } catch {
    url = null;
  }
  if (process.argv.length !== 3 || !url || url.protocol !== "http:" || !url.port || url.pathname !== "/") {
    console.error(usage);
    process.exit(2);
  }
  return url;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves to the error `call` rejects with; fails if it resolves instead. */
async function rejection(call) {
  let result;
  try {
    result = await call();
  } catch (e) {
    return e;
  }
  throw new Error(`expected an error, the SDK returned ${JSON.stringify(result).slice(0, 300)}`);
}

/** An error's stack, with the fields the SDKs' errors carry (a Tencent `code`, a Huawei `errorCode`, ...). */
function explain(e) {
  if (!(e instanceof Error)) return String(e);
  if (e instanceof assert.AssertionError) return e.stack;
  const fields = ["code", "httpStatusCode", "errorCode", "requestId"].filter((k) => e[k] !== undefined);
  return [e.stack, ...fields.map((k) => `      ${k}: ${e[k]}`)].join("\n");
}

/** Runs each [name, async function] in turn, prints `ok` or `FAIL` per check and the summary, then exits. */
async function runChecks(checks) {
  let passed = 0;
  let failed = 0;
  for (const [name, run] of checks) {
    try {
      await run();
      passed += 1;
      console.log(`ok    ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL  ${name}: ${explain(e)}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

module.exports = { baseUrl, rejection, runChecks, sleep };
