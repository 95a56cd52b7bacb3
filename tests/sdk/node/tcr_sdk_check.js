// The official Tencent Cloud Node SDK (tencentcloud-sdk-nodejs 4.1.313, TcrClient 2019-09-24) against a running
// `regmock serve`, unchanged: every check runs once with reqMethod POST and once with GET.
//
// Usage: node tcr_sdk_check.js BASE_URL   (e.g. http://127.0.0.1:8080; tests/sdk/run_sdk.sh passes it)
// Install first: (cd tests/sdk/node && npm ci). Prints one line per check and finally `N passed, M failed`; exits 1
// if any check failed.
//
// Expectations: Tencent Cloud's TCR API documentation (DescribeImages 2019-09-24: its example request and answer,
// parameters, error codes, the common parameters and the TC3-HMAC-SHA256 signature, the 100 requests per second
// limit), the behaviour of this SDK (how it signs, encodes GET queries and raises errors), and where the docs are
// silent, regmock's README (its errors table and what it does not emulate).
// No per-product TCR package of the Node SDK is published (tencentcloud-sdk-nodejs-tcr), so the full SDK is used.
"use strict";
const { baseUrl, rejection, runChecks, sleep } = require("./harness");
const assert = require("node:assert/strict");
const http = require("node:http");
const TcrClient = require("tencentcloud-sdk-nodejs/tencentcloud/services/tcr").tcr.v20190924.Client;

const SECRET_ID = "regmock-access-key";
const SECRET_KEY = "regmock-secret-key";
const REGION = "ap-guangzhou";
const REGISTRY = "tcr-okmj78";
const NAMESPACE = "team-01";
// The vendor's DescribeImages example answer, field for field.
const EXAMPLE_IMAGE = {
  Digest: "sha256:a1801b843b1bfaf77c501e7a6d3f709401a1e0c83863037fa3aab063a7fdb9dc",
  ImageVersion: "8",
  Size: 83520757,
  UpdateTime: "2022-08-06T07:31:01.207374Z",
  Kind: "Artifact::application/vnd.docker.distribution.manifest.v2+json",
  KmsSignature: "UKauWpHdjaTjTsE64BSFhJe0YZj7eXiu8DzkRgTk0vbuxl+ICYbVJ2p1afHGv/WsOqqJvEKJdNPU4iAGNYEbegTi/" +
    "UwcrCRijNeFkzHNqljBa75g1u9LHjVmtE9dxzh17YGRHpDxbL2CCjZ9YgeCqppsl1LiXvlYdrMLgoqwHKwao3WnkZU2fye4HIreZ3CXGkjv7g8rb" +
    "hmjwEZJUTWAuEws7eNSvl9RS8NAJctwvZWZQUGKkRpbBRkKxdENSIgRoA+SyX0Qmu2SxvwDRTsCwI+B1rJxLmw1wYgAh3mQiXtehBZAJdYLcOvo" +
    "kUgAUC8cpKpeJ+bSsYvCLh+uJlF4Pg==",
};
const BULK_TAGS = [...Array.from({ length: 1498 }, (_, i) => String(i + 1)), "latest", "latest-alpine"];
const SIGNATURE_FAILURE_MESSAGE =
  "The provided credentials could not be validated. Please check your signature is correct.";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// At least this long between two requests: at most ~66 a second, under the documented 100 requests/s per action and
// SecretId, so the paging walks never meet RequestLimitExceeded.
const REQUEST_GAP_MS = 15;
const MAX_PAGES = 400;

const base = baseUrl("tcr_sdk_check.js");

/** A TcrClient for `base` (the endpoint is host:port, used verbatim as Host and as the signed host). */
function client(method, { secretId = SECRET_ID, secretKey = SECRET_KEY, endpoint = base.host, region = REGION,
  token, language, agent } = {}) {
  const credential = { secretId, secretKey };
  if (token !== undefined) credential.token = token;
  const httpProfile = { endpoint, protocol: `${base.protocol}//`, reqMethod: method, reqTimeout: 10 };
  if (agent) httpProfile.agent = agent;
  const profile = { httpProfile };
  if (language) profile.language = language;
  return new TcrClient({ credential, region, profile });
}

let lastRequest = 0;
/** Waits until REQUEST_GAP_MS have passed since the previous request. */
async function pace() {
  const wait = lastRequest + REQUEST_GAP_MS - Date.now();
  if (wait > 0) await sleep(wait);
  lastRequest = Date.now();
}

/** Calls `action` with `params`, paced. */
async function call(c, action, params) {
  await pace();
  return c[action](params);
}

/** DescribeImages of team-01/nginx in the example instance, with `fields` added or replaced. */
function describe(c, fields = {}) {
  return call(c, "DescribeImages", { RegistryId: REGISTRY, NamespaceName: NAMESPACE, RepositoryName: "nginx",
    ...fields });
}

const versions = (resp) => (resp.ImageInfoList || []).map((i) => i.ImageVersion);
const sorted = (list) => [...list].sort();

function assertRequestId(id) {
  assert.match(String(id), UUID, `RequestId ${id} is not a uuid with dashes`);
}

/** DescribeImages with `fields`: TotalCount must be `total`; returns the answer. */
async function expectTotal(c, fields, total) {
  const resp = await describe(c, fields);
  assertRequestId(resp.RequestId);
  assert.equal(resp.TotalCount, total, "TotalCount");
  return resp;
}

/** The call must raise `code` with a message and a RequestId; returns the error. */
async function expectError(code, call) {
  const e = await rejection(call);
  assert.equal(e.code, code, `code (message ${e.message})`);
  assert.ok(e.message, `empty message for ${code}`);
  assertRequestId(e.requestId);
  return e;
}

/** Pages through bulk-app (Offset is the page number, from 1) until an empty page. */
async function walk(c, fields, limit) {
  const seen = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const resp = await describe(c, { RepositoryName: "bulk-app", Limit: limit, Offset: page, ...fields });
    if (versions(resp).length === 0) return { seen, total: resp.TotalCount, pages: page - 1 };
    assert.ok(versions(resp).length <= limit, `page ${page}: ${versions(resp).length} images, Limit ${limit}`);
    seen.push(...versions(resp));
  }
  throw new Error(`no empty page within ${MAX_PAGES} pages`);
}

async function checkDocumentedExample(c) {
  const resp = await expectTotal(c, { Limit: 20, Offset: 1 }, 1);
  assert.equal(resp.ImageInfoList.length, 1);
  const image = resp.ImageInfoList[0];
  for (const [name, value] of Object.entries(EXAMPLE_IMAGE)) assert.equal(image[name], value, name);
}

async function checkWalk(c) {
  const { seen, total, pages } = await walk(c, {}, 100);
  assert.equal(total, 1500, "TotalCount");
  assert.equal(pages, 15, "pages of 100");
  assert.equal(new Set(seen).size, seen.length, "an image seen twice");
  assert.deepEqual(sorted(seen), sorted(BULK_TAGS));
}

async function checkFuzzyWalk(c) {
  // Fuzzy is a case-insensitive substring match: every tag containing "1", in pages of 7.
  const expected = BULK_TAGS.filter((t) => t.includes("1"));
  const { seen, total } = await walk(c, { ImageVersion: "1" }, 7);
  assert.equal(total, expected.length, "TotalCount");
  assert.deepEqual(sorted(seen), sorted(expected));
}

async function checkPastEnd(c) {
  const resp = await expectTotal(c, { RepositoryName: "bulk-app", Limit: 100, Offset: 16 }, 1500);
  assert.deepEqual(versions(resp), []);
}

async function checkLimitClamped(c) {
  const resp = await expectTotal(c, { RepositoryName: "bulk-app", Limit: 1000 }, 1500);
  assert.equal(versions(resp).length, 100);
}

async function checkVersionFilter(c, fields, expected) {
  const resp = await expectTotal(c, { RepositoryName: "bulk-app", Limit: 100, ...fields }, expected.length);
  assert.deepEqual(sorted(versions(resp)), expected);
}

async function checkDigestFilter(c) {
  const one = await expectTotal(c, { RepositoryName: "bulk-app", ImageVersion: "1", ExactMatch: true }, 1);
  const digest = one.ImageInfoList[0].Digest;
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  const resp = await expectTotal(c, { RepositoryName: "bulk-app", Digest: digest, Limit: 100 }, 3);
  assert.deepEqual(sorted(versions(resp)), ["1", "2", "3"]);
  assert.ok(resp.ImageInfoList.every((i) => i.Digest === digest), "an image with another digest");
}

async function checkWrongSecret(method) {
  const e = await expectError("AuthFailure.SignatureFailure", () => describe(client(method, { secretKey: "wrong" })));
  assert.equal(e.message, SIGNATURE_FAILURE_MESSAGE);
}

/** Resolves every host name to 127.0.0.1, so an endpoint like tcr.regmock.test:PORT reaches regmock. */
const loopbackAgent = () => new http.Agent({
  lookup: (host, options, done) => (options && options.all ? done(null, [{ address: "127.0.0.1", family: 4 }])
    : done(null, "127.0.0.1", 4)),
});

function notEmulated(method, action) {
  const params = {
    DescribeInstances: { Limit: 10, Offset: 0 },
    DescribeNamespaces: { RegistryId: REGISTRY, Limit: 10, Offset: 1 },
    DescribeRepositories: { RegistryId: REGISTRY, NamespaceName: NAMESPACE, Limit: 10, Offset: 1 },
  }[action];
  return [`${method} ${action} (not emulated) is InvalidAction`,
    () => expectError("InvalidAction", () => call(client(method), action, params))];
}

function checksFor(method) {
  const c = client(method);
  const checks = [
    ["documented example (nginx, Limit 20, Offset 1)", () => checkDocumentedExample(c)],
    ["no Limit or Offset", () => expectTotal(c, {}, 1)],
    ["vendor's literal body: Limit \"20\" and Offset \"0\" as strings", () => expectTotal(c, { Limit: "20",
      Offset: "0" }, 1)],
    ["walk of bulk-app, Limit 100: 15 pages, 1500 distinct", () => checkWalk(c)],
    ["walk of bulk-app, Limit 7, ImageVersion \"1\" (fuzzy: every tag containing 1)", () => checkFuzzyWalk(c)],
    ["Limit 100, Offset 16: past the end, no images, TotalCount 1500", () => checkPastEnd(c)],
    ["Limit 1000 gives 100 images", () => checkLimitClamped(c)],
    ["ImageVersion latest (fuzzy): latest, latest-alpine", () => checkVersionFilter(c, { ImageVersion: "latest" },
      ["latest", "latest-alpine"])],
    ["ImageVersion latest, ExactMatch true: latest", () => checkVersionFilter(c, { ImageVersion: "latest",
      ExactMatch: true }, ["latest"])],
    ["ImageVersion latest, ExactMatch false is fuzzy", () => checkVersionFilter(c, { ImageVersion: "latest",
      ExactMatch: false }, ["latest", "latest-alpine"])],
    ["ImageVersion LATEST: fuzzy is case-insensitive", () => checkVersionFilter(c, { ImageVersion: "LATEST" },
      ["latest", "latest-alpine"])],
    ["Digest filter: the digest of 1 gives 1, 2, 3", () => checkDigestFilter(c)],
    ["non-ASCII ImageVersion \"v1-é\" is signed and matches nothing", () => expectTotal(c, { ImageVersion: "v1-é" },
      0)],
    ["ImageVersion with reserved characters \"a b*(x)'!~&=+;/\" is signed and matches nothing",
      () => expectTotal(c, { ImageVersion: "a b*(x)'!~&=+;/" }, 0)],
    ["wrong secret key is AuthFailure.SignatureFailure", () => checkWrongSecret(method)],
    ["unknown SecretId is AuthFailure.SecretIdNotFound", () => expectError("AuthFailure.SecretIdNotFound",
      () => describe(client(method, { secretId: "no-such-secret-id" })))],
    ["unknown instance is ResourceNotFound", () => expectError("ResourceNotFound",
      () => describe(c, { RegistryId: "tcr-nosuch00" }))],
    ["unknown namespace is ResourceNotFound.TcrResourceNotFound", () => expectError(
      "ResourceNotFound.TcrResourceNotFound", () => describe(c, { NamespaceName: "no-such-namespace" }))],
    ["unknown repository is ResourceNotFound.TcrResourceNotFound", () => expectError(
      "ResourceNotFound.TcrResourceNotFound", () => describe(c, { RepositoryName: "no-such-repository" }))],
    ["missing RepositoryName is MissingParameter", () => expectError("MissingParameter",
      () => call(c, "DescribeImages", { RegistryId: REGISTRY, NamespaceName: NAMESPACE }))],
    ["Limit 0 is InvalidParameterValue", () => expectError("InvalidParameterValue", () => describe(c, { Limit: 0 }))],
    ["unknown parameter Foo is UnknownParameter", () => expectError("UnknownParameter",
      () => describe(c, { Foo: "x" }))],
    ["no region (no X-TC-Region) is MissingParameter", () => expectError("MissingParameter",
      () => describe(client(method, { region: null })))],
    ["language en-US (X-TC-Language) is accepted", () => expectTotal(client(method, { language: "en-US" }), {}, 1)],
    ["temporary credential token (X-TC-Token) is accepted", () => expectTotal(client(method, { token: "a-token" }),
      {}, 1)],
    // The Node SDK signs with the endpoint's first label as the service and the host without its port.
    ["endpoint localhost:PORT (service \"localhost:PORT\" in the scope)", () => expectTotal(client(method,
      { endpoint: `localhost:${base.port}` }), {}, 1)],
    ["endpoint tcr.regmock.test:PORT (service \"tcr\" in the scope)", () => expectTotal(client(method,
      { endpoint: `tcr.regmock.test:${base.port}`, agent: loopbackAgent() }), {}, 1)],
  ].map(([name, run]) => [`${method} DescribeImages: ${name}`, run]);
  const others = ["DescribeRepositories", "DescribeNamespaces", "DescribeInstances"];
  return [...checks, ...others.map((action) => notEmulated(method, action))];
}

runChecks([...checksFor("POST"), ...checksFor("GET")]);
