// core.js 的单元测试：存储包装（坏值另存、退回内存、读写不抛错）、启动登记（一个组件出错不影响其他组件）、
// 文字与时间函数。node --test tests/js/core.test.js
process.env.TZ = "Asia/Shanghai";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const core = require(path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "core.js"));

function memoryBackend() {
  const map = new Map();
  return {
    map: map,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
  };
}

/** 一个简单的解析函数：只认 {"v": 1, "n": 数字}。 */
function parseCounter(raw) {
  if (raw === null) return { status: "empty", state: { v: 1, n: 0 } };
  const data = JSON.parse(raw); // 不是 JSON 时抛错：load() 要接住
  if (!data || data.v !== 1 || typeof data.n !== "number") return { status: "corrupt", state: { v: 1, n: 0 } };
  return { status: "ok", state: data };
}

// ---------------------------------------------------------------- 存储

test("load() 读到坏值：另存到备份键、删掉原键、从空白开始", () => {
  const backend = memoryBackend();
  const store = core.createStore(() => backend);
  for (const bad of ["garbage{", "42", "null", "[1]", '{"v": 2}']) {
    backend.map.set("k", bad);
    backend.map.delete("k:backup");
    const result = store.load("k", parseCounter, "k:backup");
    assert.equal(result.status, "corrupt", bad);
    assert.deepEqual(result.state, { v: 1, n: 0 }, bad);
    assert.equal(result.raw, bad);
    assert.equal(backend.map.get("k:backup"), bad, "原始数据另存了一份");
    assert.equal(backend.map.has("k"), false, "坏值已删除");
  }
});

test("load() 读到好值和空值时不动存储", () => {
  const backend = memoryBackend();
  const store = core.createStore(() => backend);
  assert.equal(store.load("k", parseCounter, "k:backup").status, "empty");
  backend.map.set("k", '{"v": 1, "n": 3}');
  const result = store.load("k", parseCounter, "k:backup");
  assert.equal(result.status, "ok");
  assert.equal(result.state.n, 3);
  assert.equal(backend.map.has("k:backup"), false);
  assert.equal(backend.map.get("k"), '{"v": 1, "n": 3}');
});

test("存储被禁用：退回内存，读写都不抛错", () => {
  const store = core.createStore(() => {
    const err = new Error("denied");
    err.name = "SecurityError";
    throw err;
  });
  assert.equal(store.persistent, false);
  assert.equal(store.reason, "unavailable");
  assert.equal(store.read("k"), null);
  assert.equal(store.write("k", "v"), false);
  assert.equal(store.read("k"), "v");
  store.remove("k");
  assert.equal(store.read("k"), null);
  assert.equal(store.load("x", parseCounter, "x:backup").status, "empty");
});

test("读取时后端抛错或返回奇怪的值：当作没有，不抛错", () => {
  const backend = memoryBackend();
  const store = core.createStore(() => backend);
  backend.getItem = () => {
    throw new Error("boom");
  };
  assert.equal(store.read("k"), null);
  assert.equal(store.persistent, false, "读不了就提示不能保存");
  const odd = memoryBackend();
  odd.getItem = () => 42;
  assert.equal(core.createStore(() => odd).read("k"), null);
});

test("写入时配额用尽：值留在内存里，恢复后写回", () => {
  const backend = memoryBackend();
  const setItem = backend.setItem;
  let full = false;
  backend.setItem = (k, v) => {
    if (full) {
      const err = new Error("quota");
      err.name = "QuotaExceededError";
      throw err;
    }
    setItem(k, v);
  };
  const store = core.createStore(() => backend);
  full = true;
  assert.equal(store.write("k", "v1"), false);
  assert.equal(store.reason, "quota");
  assert.equal(store.read("k"), "v1");
  full = false;
  assert.equal(store.write("k", "v2"), true);
  assert.equal(store.persistent, true);
  assert.equal(backend.map.get("k"), "v2");
  assert.equal(backend.map.has(core.PROBE_KEY), false, "探测用的键用完即删");
});

function quotaError() {
  const err = new Error("quota");
  err.name = "QuotaExceededError";
  return err;
}

test("createStore writes through to a working backend", () => {
  const backend = memoryBackend();
  const store = core.createStore(() => backend);
  assert.equal(store.persistent, true);
  assert.equal(store.write("k", "v"), true);
  assert.equal(backend.map.get("k"), "v");
  assert.equal(store.read("k"), "v");
  store.remove("k");
  assert.equal(store.read("k"), null);
  assert.equal(backend.map.has(core.PROBE_KEY), false);
});

test("createStore reports a full quota and recovers when a write succeeds", () => {
  const backend = memoryBackend();
  let full = false;
  const setItem = backend.setItem;
  backend.setItem = (k, v) => {
    if (full) throw quotaError();
    setItem(k, v);
  };
  const seen = [];
  const store = core.createStore(() => backend);
  store.onStatus((reason) => seen.push(reason));
  full = true;
  assert.equal(store.write("k", "v1"), false);
  assert.equal(store.persistent, false);
  assert.equal(store.reason, "quota");
  assert.equal(store.read("k"), "v1", "the value is kept in memory");
  full = false;
  assert.equal(store.write("k", "v2"), true);
  assert.equal(store.persistent, true);
  assert.equal(backend.map.get("k"), "v2");
  assert.deepEqual(seen, ["quota", null]);
});

test("createStore treats a storage that is full from the start as not persistent", () => {
  const backend = memoryBackend();
  backend.setItem = () => {
    throw quotaError();
  };
  const store = core.createStore(() => backend);
  assert.equal(store.persistent, false);
  assert.equal(store.reason, "quota");
});

test("forget drops the memory copy so another tab's value is read", () => {
  const backend = memoryBackend();
  const store = core.createStore(() => backend);
  backend.setItem = () => {
    throw quotaError();
  };
  store.write("k", "mine");
  backend.map.set("k", "theirs");
  assert.equal(store.read("k"), "mine");
  store.forget("k");
  assert.equal(store.read("k"), "theirs");
});

test("parseJSON：解析不了时返回给定的值", () => {
  assert.deepEqual(core.parseJSON("[1]", []), [1]);
  assert.deepEqual(core.parseJSON("garbage{", []), []);
  assert.equal(core.parseJSON(null, "x"), "x");
});

// ---------------------------------------------------------------- 启动登记

function fakeScope(elements) {
  return { querySelectorAll: (selector) => elements[selector] || [] };
}

test("一个组件挂载出错：在控制台写明组件和页面，其他组件照常挂载", (t) => {
  core.resetRegistry();
  const errors = [];
  t.mock.method(console, "error", (...args) => errors.push(args.map(String).join(" ")));
  const a1 = { id: "a1" };
  const a2 = { id: "a2" };
  const b1 = { id: "b1" };
  const mounted = [];
  core.register({ name: "会出错的组件", selector: ".a", mount: (root) => {
    if (root === a1) throw new Error("缺少标记");
    mounted.push(root.id);
  } });
  core.register({ name: "正常组件", selector: ".b", mount: (root, ctx) => mounted.push(root.id + "@" + ctx.index) });
  const scope = fakeScope({ ".a": [a1, a2], ".b": [b1] });
  assert.equal(core.mountAll(scope), 2);
  assert.deepEqual(mounted, ["a2", "b1@0"]);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /会出错的组件/);
  assert.match(errors[0], /页面/);
  assert.match(errors[0], /缺少标记/);
  core.resetRegistry();
});

test("同一个元素只挂载一次；换页后的新元素再挂载", () => {
  core.resetRegistry();
  const seen = [];
  core.register({ name: "计数", selector: ".c", mount: (root, ctx) => seen.push(root.id + "@" + ctx.index) });
  const c1 = { id: "c1" };
  const c2 = { id: "c2" };
  core.mountAll(fakeScope({ ".c": [c1] }));
  core.mountAll(fakeScope({ ".c": [c1, c2] }));
  assert.deepEqual(seen, ["c1@0", "c2@0"], "已挂载的不再挂载；index 只数本次新挂载的");
  core.resetRegistry();
});

test("register() 拒绝缺字段的组件", () => {
  assert.throws(() => core.register({ name: "x", selector: ".x" }), /register/);
});

// ---------------------------------------------------------------- 文字与时间

test("tableCell 转义竖线与 Markdown 标记，换行变空格", () => {
  assert.equal(core.tableCell("a | b *c*\n<d>"), "a \\| b \\*c\\* \\<d\\>");
});

test("fence 的围栏比正文里最长的反引号串更长", () => {
  assert.equal(core.fence("x ```` y"), "`````text\nx ```` y\n`````");
});

test("本地时间的几种写法", () => {
  const at = new Date("2026-11-28T01:05:09Z");
  assert.equal(core.toLocalIso(at), "2026-11-28T09:05:09+08:00");
  assert.equal(core.toLocalMinute(at), "2026-11-28T09:05");
  assert.equal(core.formatTime(at), "2026-11-28 09:05");
  assert.equal(core.localToday(at), "2026-11-28");
  assert.equal(core.toLocalIso("不是时间"), "");
});

test("pageIdFromUrl：目录式网址与离线版得到同一个页面路径", () => {
  assert.equal(core.pageIdFromUrl("http://h/operations/upgrade/", "http://h/"), "operations/upgrade");
  assert.equal(core.pageIdFromUrl("file:///x/site/operations/upgrade.html#a", "file:///x/site/"), "operations/upgrade");
});
