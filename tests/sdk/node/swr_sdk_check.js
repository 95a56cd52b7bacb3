// The official Huawei Cloud Node SDK (@huaweicloud/huaweicloud-sdk-swr 3.1.128 with @huaweicloud/huaweicloud-sdk-core
// 3.1.211, SwrClient v2) against a running `regmock serve`, unchanged.
//
// Usage: node swr_sdk_check.js BASE_URL   (e.g. http://127.0.0.1:8080; tests/sdk/run_sdk.sh passes it)
// Install first: (cd tests/sdk/node && npm ci). Prints one line per check and finally `N passed, M failed`; exits 1
// if any check failed.
//
// Expectations: Huawei Cloud's SWR API reference (ListReposDetails, ListRepositoryTags, ShowRepoTag: their example
// answers, the filter string, limit/offset and the Content-Range header, the error codes) and the API Gateway's
// AK/SK signing (SDK-HMAC-SHA256) and error codes, the behaviour of this SDK (its signer, how it encodes paths and
// queries, which exception it raises), and where the docs are silent, regmock's README (its errors table and the
// X-Regmock-Fault header).
// This SDK version has no ShowRepoTag operation: that GET is sent through the SDK's own HcClient (same signer and
// error handling), as are the requests with regmock's fault header (the request models have no header hook).
"use strict";
const { baseUrl, rejection, runChecks } = require("./harness");
const assert = require("node:assert/strict");
const core = require("@huaweicloud/huaweicloud-sdk-core");
const swr = require("@huaweicloud/huaweicloud-sdk-swr");
const { Logger4jInstance } = require("@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger");

// The SDK logs every error answer (a multi-line dump) to stdout; each check reports its own outcome instead.
Logger4jInstance.level = "off";

const AK = "regmock-access-key";
const SK = "regmock-secret-key";
const ADDRESS = "swr.cn-north-4.myhuaweicloud.com";
const INTERNAL = "10.125.0.198:20202";
const DOMAIN_ID = "0503dda878000fed0f75c0096d70a960";
const DIGEST = "sha256:57b605845a6367c34bfb6ea6477f16852f59aa1861a2b51d10ab77ae0a1dc9c3";
const IMAGE_ID = "741f24a795d6d93d7c6edd11780d63c13e16c39615dd9d223378a57a836f2ee6";
const SHOW_TAG_URL = "/v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}";

const base = baseUrl("swr_sdk_check.js");

function client({ ak = AK, sk = SK, projectId, endpoint = base.origin } = {}) {
  let credential = new core.BasicCredentials().withAk(ak).withSk(sk);
  if (projectId) credential = credential.withProjectId(projectId);
  return swr.SwrClient.newBuilder().withCredential(credential).withEndpoint(endpoint).build();
}

/** A new `Request` with the `with*` setter of each of `fields` applied ({ name: "busybox" } calls withName). */
function build(Request, fields) {
  const req = new Request();
  for (const [name, value] of Object.entries(fields)) req[`with${name[0].toUpperCase()}${name.slice(1)}`](value);
  return req;
}

const listRepos = (c, fields = {}) => c.listReposDetails(build(swr.ListReposDetailsRequest, fields));
const listTags = (c, fields) => c.listRepositoryTags(build(swr.ListRepositoryTagsRequest, { namespace: "group",
  ...fields }));
// The Node SDK's tag model names the documented `tag` field `Tag`.
const tagNames = (list) => list.map((t) => t.Tag);
const sorted = (list) => [...list].sort();

/** A GET of `url` through the SDK's HcClient: signed and answered like the generated operations. */
function sendGet(c, url, { pathParams = {}, headers = {} } = {}) {
  return c.hcClient.sendRequest({ method: "GET", url, contentType: "application/json", queryParams: {}, pathParams,
    headers });
}

const showTag = (c, repository, tag) => sendGet(c, SHOW_TAG_URL, { pathParams: { namespace: "group", repository,
  tag } });
const listWithFault = (c, fault) => sendGet(c, "/v2/manage/repos", { headers: { "X-Regmock-Fault": fault } });

/** The call must raise `Exception` with `status` and an errorCode equal to (or matching) `code`; returns it. */
async function expectError(Exception, status, code, call) {
  const e = await rejection(call);
  assert.equal(e.constructor.name, Exception, `exception class (${e.errorCode}: ${e.errorMsg})`);
  assert.equal(e.httpStatusCode, status, `status (${e.errorCode}: ${e.errorMsg})`);
  if (code instanceof RegExp) assert.match(e.errorCode, code);
  else assert.equal(e.errorCode, code);
  assert.ok(e.requestId, "no requestId (X-Request-Id)");
  return e;
}

const clientError = (status, code, call) => expectError("ClientRequestException", status, code, call);

/** Content-Range offset-count/total, as numbers. */
function contentRange(list) {
  const match = /^(\d+)-(\d+)\/(\d+)$/.exec(list["Content-Range"] || "");
  assert.ok(match, `Content-Range ${list["Content-Range"]}`);
  return match.slice(1).map(Number);
}

function assertOrdered(values, order) {
  const expected = order === "asc" ? sorted(values) : sorted(values).reverse();
  assert.deepEqual(values, expected, `not ${order}`);
}

async function checkBusybox(c) {
  const list = await listRepos(c, { namespace: "group", name: "busybox" });
  assert.equal(list.length, 1);
  const repo = list[0];
  assert.deepEqual([repo.namespace, repo.name, repo.category], ["group", "busybox", "linux"]);
  assert.equal(repo.description, "this is a busybox repository");
  assert.deepEqual([repo.size, repo.num_images, repo.num_download], [200977474, 2, 0]);
  assert.deepEqual([repo.is_public, repo.status], [false, false]);
  assert.deepEqual([repo.created_at, repo.updated_at], ["2021-06-10T03:24:44.784402Z",
    "2021-06-10T03:40:59.199352Z"]);
  assert.deepEqual(repo.tags, ["latest", "log"]);
  assert.equal(repo.total_range, 1);
  assert.equal(repo.path, `${ADDRESS}/group/busybox`);
  assert.equal(repo.internal_path, `${INTERNAL}/group/busybox`);
  assert.equal(list["Content-Range"], undefined, "Content-Range without limit and offset");
}

async function checkReposPage(c, offset) {
  const list = await listRepos(c, { limit: "10", offset: String(offset) });
  assert.equal(list.length, 10);
  const [start, count, total] = contentRange(list);
  assert.deepEqual([start, count], [offset, 10]);
  assert.ok(total >= 20, `total ${total}`);
  assert.ok(list.every((r) => r.total_range === total), "total_range is the total");
}

async function checkReposOrdered(c, fields, count, key, order) {
  const list = await listRepos(c, fields);
  assert.equal(list.length, count);
  assertOrdered(list.map((r) => r[key]), order);
}

async function checkCategory(c, category) {
  const list = await listRepos(c, { category });
  assert.ok(list.length >= 1, "no repository");
  assert.deepEqual([...new Set(list.map((r) => r.category))], [category]);
}

async function checkOneBusybox(c, fields) {
  const list = await listRepos(c, fields);
  assert.deepEqual(list.map((r) => `${r.namespace}/${r.name}`), ["group/busybox"]);
}

async function checkNoMatch(c, name) {
  const list = await listRepos(c, { name });
  assert.equal(list.httpStatusCode, 200);
  assert.deepEqual([...list], []);
}

async function checkBusyboxTags(c) {
  const list = await listTags(c, { repository: "busybox" });
  assert.deepEqual(sorted(tagNames(list)), ["latest", "log"]);
  const latest = list.find((t) => t.Tag === "latest");
  assert.equal(latest.digest, DIGEST);
  assert.equal(latest.image_id, IMAGE_ID);
  assert.deepEqual([latest.size, latest.schema, latest.tag_type], [1304902, 2, 0]);
  assert.deepEqual([latest.created, latest.updated], ["2018-07-06T06:18:55Z", "2018-07-06T06:18:55Z"]);
  assert.equal(latest.domain_id, DOMAIN_ID);
  assert.equal(latest.path, `${ADDRESS}/group/busybox:latest`);
  assert.equal(latest.internal_path, `${INTERNAL}/group/busybox:latest`);
  assert.equal(list["Content-Range"], undefined, "Content-Range without limit and offset");
}

async function checkTagsPage(c, fields, range) {
  const list = await listTags(c, { repository: "bulk-app", ...fields });
  assert.equal(list["Content-Range"], range);
  assert.equal(new Set(tagNames(list)).size, 10);
  return list;
}

async function checkTagsWalk(c) {
  const seen = [];
  for (let offset = 0; offset <= 3000; offset += 100) {
    const list = await listTags(c, { repository: "bulk-app", limit: "100", offset: String(offset) });
    if (list.length === 0) {
      assert.equal(seen.length, 1500, "tags seen");
      assert.equal(new Set(seen).size, 1500, "distinct tags");
      return;
    }
    seen.push(...tagNames(list));
  }
  throw new Error("no empty page by offset 3000");
}

async function checkTagsFilter(c) {
  const filter = "offset::20|limit::10|order_column::updated_at|order_type::desc";
  const list = await checkTagsPage(c, { filter }, "20-10/1500");
  assertOrdered(list.map((t) => t.updated), "desc");
}

async function checkOnlyLatest(c, fields) {
  assert.deepEqual(tagNames(await listTags(c, { repository: "busybox", ...fields })), ["latest"]);
}

async function checkTagsPastEnd(c) {
  const list = await listTags(c, { repository: "bulk-app", limit: "100", offset: "1500" });
  assert.equal(list.httpStatusCode, 200);
  assert.deepEqual([...list], []);
}

async function checkHasTags(c, repository) {
  const list = await listTags(c, { repository });
  assert.ok(list.length >= 1, `${list.length} tags`);
}

async function checkShowTag(c) {
  const tag = await showTag(c, "busybox", "latest");
  assert.equal(tag.tag, "latest");
  assert.equal(tag.digest, DIGEST);
  assert.equal(tag.image_id, IMAGE_ID);
  assert.ok(tag.manifest.startsWith('{"schemaVersion":2') && tag.manifest.includes(IMAGE_ID), tag.manifest);
  assert.deepEqual([tag.size, tag.schema, tag.tag_type, tag.is_trusted], [1304902, 2, 0, false]);
  assert.equal(tag.path, `${ADDRESS}/group/busybox:latest`);
  assert.equal(tag.domain_id, DOMAIN_ID);
}

async function checkShowTagSlash(c) {
  const tag = await showTag(c, "library/nginx", "v1.2-rc_1");
  assert.equal(tag.tag, "v1.2-rc_1");
  assert.ok(tag.path.endsWith("/group/library/nginx:v1.2-rc_1"), tag.path);
}

async function checkWrongSk() {
  const e = await clientError(401, "APIGW.0301", () => listRepos(client({ sk: "not-the-secret" })));
  assert.ok(e.errorMsg.startsWith("Incorrect IAM authentication information"), e.errorMsg);
}

async function checkForbidden(c) {
  const e = await clientError(403, "SVCSTG.SWR.4030170", () => listWithFault(c, "forbidden"));
  assert.equal(e.errorMsg, "Insufficient permissions");
}

const notFound = (call) => clientError(404, "SVCSTG.SWR.4040010", call);
const gatewayNotFound = (call) => clientError(404, "APIGW.0101", call);

function checks() {
  const c = client();
  const busybox = { namespace: "group", name: "busybox" };
  return [
    ["ListReposDetails: documented busybox item", () => checkBusybox(c)],
    ["ListReposDetails: limit=10 offset=0 gives Content-Range 0-10/total", () => checkReposPage(c, 0)],
    ["ListReposDetails: limit=10 offset=10 gives page 2", () => checkReposPage(c, 10)],
    ["ListReposDetails: filter namespace::group|name::busybox", () => checkOneBusybox(c,
      { filter: "namespace::group|name::busybox" })],
    ["ListReposDetails: filter limit::5|offset::0|order_column::name|order_type::asc", () => checkReposOrdered(c,
      { filter: "limit::5|offset::0|order_column::name|order_type::asc" }, 5, "name", "asc")],
    ["ListReposDetails: order_column=updated_at order_type=asc limit=3", () => checkReposOrdered(c,
      { orderColumn: "updated_at", orderType: "asc", limit: "3", offset: "0" }, 3, "updated_at", "asc")],
    ["ListReposDetails: category=linux", () => checkCategory(c, "linux")],
    ["ListReposDetails: name with reserved characters \"a b*(x)'!\" is signed and matches nothing",
      () => checkNoMatch(c, "a b*(x)'!")],
    ["ListReposDetails: non-ASCII name \"é\" is signed and matches nothing", () => checkNoMatch(c, "é")],
    ["ListReposDetails: limit=abc is 400 SVCSTG.SWR.4000014", () => clientError(400, "SVCSTG.SWR.4000014",
      () => listRepos(c, { limit: "abc" }))],
    ["ListReposDetails: contentType application/json;charset=utf-8", () => checkOneBusybox(c,
      { contentType: "application/json;charset=utf-8", ...busybox })],
    ["ListReposDetails: project id (signed X-Project-Id) is accepted", () => checkOneBusybox(
      client({ projectId: "0".repeat(32) }), busybox)],
    ["ListReposDetails: endpoint http://localhost:PORT", () => checkOneBusybox(
      client({ endpoint: `http://localhost:${base.port}` }), busybox)],
    ["ListRepositoryTags: documented latest tag of group/busybox", () => checkBusyboxTags(c)],
    ["ListRepositoryTags: limit=10 offset=1490 gives Content-Range 1490-10/1500", () => checkTagsPage(c,
      { limit: "10", offset: "1490" }, "1490-10/1500")],
    ["ListRepositoryTags: walk of bulk-app, limit=100, 1500 distinct", () => checkTagsWalk(c)],
    ["ListRepositoryTags: filter string, Content-Range, order updated_at desc", () => checkTagsFilter(c)],
    ["ListRepositoryTags: tag=latest gives the documented single item", () => checkOnlyLatest(c, { tag: "latest" })],
    ["ListRepositoryTags: filter tag::latest gives the documented single item", () => checkOnlyLatest(c,
      { filter: "tag::latest" })],
    ["ListRepositoryTags: offset past the end is 200 []", () => checkTagsPastEnd(c)],
    ["ListRepositoryTags: repository library/nginx (the SDK sends the / raw)", () => checkHasTags(c,
      "library/nginx")],
    ["ListRepositoryTags: repository library$nginx ($ for /)", () => checkHasTags(c, "library$nginx")],
    ["ListRepositoryTags: unknown repository is 404 SVCSTG.SWR.4040010", () => notFound(
      () => listTags(c, { repository: "nothing" }))],
    ["ListRepositoryTags: unknown namespace is 404 SVCSTG.SWR.4040010", () => notFound(
      () => listTags(c, { namespace: "nons", repository: "busybox" }))],
    ["ShowRepoTag (HcClient): documented latest tag", () => checkShowTag(c)],
    ["ShowRepoTag (HcClient): unknown tag is 404 SVCSTG.SWR.4040010", () => notFound(
      () => showTag(c, "busybox", "nope"))],
    ["ShowRepoTag (HcClient): repository library/nginx (raw /)", () => checkShowTagSlash(c)],
    ["ShowRepository (not emulated) is the gateway's 404 APIGW.0101", () => gatewayNotFound(
      () => c.showRepository(build(swr.ShowRepositoryRequest, { namespace: "group", repository: "busybox" })))],
    ["ListNamespaces (not emulated) is the gateway's 404 APIGW.0101", () => gatewayNotFound(
      () => c.listNamespaces(new swr.ListNamespacesRequest()))],
    ["wrong SK is 401 APIGW.0301", checkWrongSk],
    ["unknown AK is 401 APIGW.0301", () => clientError(401, "APIGW.0301",
      () => listRepos(client({ ak: "no-such-ak" })))],
    ["injected fault forbidden: 403 SVCSTG.SWR.4030170", () => checkForbidden(c)],
    ["injected fault internal-error: 500 raises ServerResponseException", () => expectError(
      "ServerResponseException", 500, /^SVCSTG\.SWR\.5/, () => listWithFault(c, "internal-error"))],
  ];
}

runChecks(checks());
