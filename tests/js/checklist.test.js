// 检查单引擎的纯逻辑测试（不需要浏览器）：node --test tests/js/checklist.test.js
// 时区固定为 Asia/Shanghai，时间的格式化结果才能逐字比较。
process.env.TZ = "Asia/Shanghai";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const assets = path.join(__dirname, "..", "..", "docs", "assets", "javascripts");
// 通用的文字、时间、存储函数在 core.js，检查单自己的纯逻辑在 checklist-state.js
const core = Object.assign({}, require(path.join(assets, "core.js")), require(path.join(assets, "checklist-state.js")));
// 两个标签页的同步（checklist-sync.js）与整页导出（checklist-export.js）的纯逻辑
const sync = require(path.join(assets, "checklist-sync.js"));
const pageExport = require(path.join(assets, "checklist-export.js"));
const STAMP = { version: "2026.11", commit: "abc1234", build_date: "2026-11-27" };

// ---------------------------------------------------------------- 条目编号

test("normaliseText ignores whitespace, punctuation, width and case", () => {
  const forms = [
    "确认 CPU 使用率正常，然后上报。",
    "确认CPU使用率正常,然后上报",
    "确认 ｃｐｕ 使用率正常；然后上报！",
    "  确认\tcpu\n使用率 正常 —— 然后上报… ",
  ];
  const normalised = forms.map(core.normaliseText);
  assert.equal(new Set(normalised).size, 1, normalised.join(" | "));
  assert.equal(normalised[0], "确认cpu使用率正常然后上报");
});

test("normaliseText keeps letters, digits and the Chinese zero", () => {
  assert.equal(core.normaliseText("二〇二六年 备份 3 份"), "二〇二六年备份3份");
  assert.notEqual(core.normaliseText("保留 3 份"), core.normaliseText("保留 5 份"));
});

test("fnv1a matches the published FNV-1a test vectors", () => {
  assert.equal(core.fnv1a(""), "811c9dc5");
  assert.equal(core.fnv1a("a"), "e40c292c");
  assert.equal(core.fnv1a("foobar"), "bf9cf968");
});

test("deriveItemId is stable under unrelated edits and changes with the text", () => {
  const id = core.deriveItemId("备份全部关键数据，并抽取一份恢复成功");
  assert.match(id, /^t-[0-9a-f]{8}$/);
  assert.equal(core.deriveItemId("备份全部关键数据,并抽取一份恢复成功。"), id);
  assert.equal(core.deriveItemId(" 备份全部关键数据 并抽取一份恢复成功 "), id);
  assert.notEqual(core.deriveItemId("备份全部关键数据和配置，并抽取一份恢复成功"), id);
  assert.notEqual(core.deriveItemId("备份部分关键数据，并抽取一份恢复成功"), id);
});

test("explicit ids must be short lower-case words", () => {
  assert.ok(core.isExplicitId("backup-restored"));
  assert.ok(core.isExplicitId("step_2"));
  assert.ok(!core.isExplicitId("Backup"));
  assert.ok(!core.isExplicitId("备份"));
  assert.ok(!core.isExplicitId("-x"));
  assert.ok(!core.isExplicitId(""));
  assert.ok(!core.isExplicitId(null));
});

test("uniqueIds numbers repeated ids in document order", () => {
  assert.deepEqual(core.uniqueIds(["a", "b", "a", "a"]), ["a", "b", "a-2", "a-3"]);
});

test("checklistIdFrom accepts simple ids and hashes anything else", () => {
  assert.equal(core.checklistIdFrom("before", "checklist-1"), "before");
  assert.match(core.checklistIdFrom("升级前", "checklist-1"), /^c-[0-9a-f]{8}$/);
  assert.equal(core.checklistIdFrom(null, "checklist-3"), "checklist-3");
  assert.equal(core.checklistIdFrom("  ", "checklist-3"), "checklist-3");
});

// ---------------------------------------------------------------- 页面与键

test("pageIdFromUrl gives the same id for directory URLs and the offline build", () => {
  const cases = [
    ["http://127.0.0.1:8000/operations/upgrade/", "http://127.0.0.1:8000/"],
    ["http://127.0.0.1:8000/operations/upgrade/#升级前", "http://127.0.0.1:8000/"],
    ["http://127.0.0.1:8000/operations/upgrade/?x=1", "http://127.0.0.1:8000/"],
    ["https://intranet.example/handbook/operations/upgrade/", "https://intranet.example/handbook/"],
    ["file:///home/u/site/operations/upgrade.html", "file:///home/u/site/"],
    ["file:///C:/Users/u/site/operations/upgrade.html#%E5%8D%87", "file:///C:/Users/u/site/"],
  ];
  for (const [href, root] of cases) assert.equal(core.pageIdFromUrl(href, root), "operations/upgrade", href);
  assert.equal(core.pageIdFromUrl("http://h/operations/", "http://h/"), "operations");
  assert.equal(core.pageIdFromUrl("file:///s/operations/index.html", "file:///s/"), "operations");
  assert.equal(core.pageIdFromUrl("http://h/", "http://h/"), "index");
  assert.equal(core.pageIdFromUrl("file:///s/index.html", "file:///s/"), "index");
  assert.equal(core.pageIdFromUrl("http://h/%E8%BF%90%E7%BB%B4/", "http://h/"), "运维");
  assert.equal(core.pageIdFromUrl("http://other/drills/run/", "http://h/"), "drills/run");
});

test("storage keys carry the schema version, page and checklist", () => {
  assert.equal(core.storageKey("operations/upgrade", "before"), "handbook:checklist:v2:operations/upgrade:before");
  assert.equal(core.legacyKey("operations/upgrade", "before"), "handbook-checklist:operations/upgrade#before");
  assert.equal(core.backupKey("operations/upgrade", "before"), "handbook:checklist:backup:operations/upgrade:before");
});

// ---------------------------------------------------------------- 读取、迁移

test("parseStored: nothing stored gives an empty state", () => {
  const { status, state } = core.parseStored(null);
  assert.equal(status, "empty");
  assert.deepEqual(state, core.emptyState());
});

test("parseStored: corrupt or foreign values are reported, never thrown", () => {
  for (const raw of ["{not json", "[]", "null", "42", '"x"', '{"v":1,"items":{}}', '{"v":3,"items":{}}',
    '{"v":2}', '{"v":2,"items":[]}']) {
    const { status, state } = core.parseStored(raw);
    assert.equal(status, "corrupt", raw);
    assert.deepEqual(state, core.emptyState(), raw);
  }
});

test("parseStored keeps valid entries and drops broken ones", () => {
  const raw = JSON.stringify({
    v: 2,
    items: {
      "t-00000001": { at: "2026-11-28T01:05:00.000Z", text: "甲" },
      "t-00000002": { at: "not a time" },
      "t-00000003": "yes",
      "t-00000004": { at: null },
    },
    record: { operator: "值班员", ticket: 12, start: "2026-11-28T09:00", notes: "n" },
    updated: "2026-11-28T01:05:00.000Z",
  });
  const { status, state } = core.parseStored(raw);
  assert.equal(status, "ok");
  assert.deepEqual(Object.keys(state.items), ["t-00000001", "t-00000004"]);
  assert.equal(state.items["t-00000004"].text, "");
  assert.deepEqual(state.record, { operator: "值班员", ticket: "", start: "2026-11-28T09:00", notes: "n" });
});

test("migrateV1 moves ticks stored by text onto the current item ids", () => {
  // 当前页面上的条目：一条有固定编号，一条用文字算出的编号；按规范化后的文字查找。
  const current = {
    [core.normaliseText("确认备份已完成")]: "backup-done",
    [core.normaliseText("通知服务台")]: core.deriveItemId("通知服务台"),
  };
  const resolve = (text) => current[core.normaliseText(text)] || null;
  const raw = JSON.stringify({
    done: ["确认备份，已完成", "通知服务台", "一条已经删掉的旧条目", 7],
    operator: "张工",
    ticket: "CHG-1",
    notes: "旧备注",
  });
  const { status, state } = core.migrateV1(raw, resolve);
  assert.equal(status, "migrated");
  assert.deepEqual(state.items, {
    "backup-done": { at: null, text: "确认备份，已完成" },
    [core.deriveItemId("通知服务台")]: { at: null, text: "通知服务台" },
  });
  assert.deepEqual(state.record, { operator: "张工", ticket: "CHG-1", start: "", notes: "旧备注" });
  assert.equal(state.v, 2);
});

test("migrateV1 reports a broken old value as corrupt", () => {
  assert.equal(core.migrateV1("{oops").status, "corrupt");
  assert.equal(core.migrateV1('{"done": "x"}').status, "corrupt");
});

// ---------------------------------------------------------------- 修改状态

test("applyTick records the time and fills an empty start time", () => {
  const t1 = new Date("2026-11-28T01:05:30Z");
  const s1 = core.applyTick(core.emptyState(), "a", true, " 第一项 ", t1);
  assert.deepEqual(s1.items.a, { at: "2026-11-28T01:05:30.000Z", text: "第一项" });
  assert.equal(s1.record.start, "2026-11-28T09:05");
  const s2 = core.applyTick(s1, "b", true, "第二项", new Date("2026-11-28T02:00:00Z"));
  assert.equal(s2.record.start, "2026-11-28T09:05", "start is not moved by later ticks");
  const s3 = core.applyTick(s2, "a", false, "第一项", new Date("2026-11-28T02:01:00Z"));
  assert.deepEqual(Object.keys(s3.items), ["b"]);
  assert.deepEqual(Object.keys(s1.items), ["a"], "the old state is not changed");
});

test("applyField only accepts record fields", () => {
  const s = core.applyField(core.emptyState(), "notes", "<b>x</b>", new Date(0));
  assert.equal(s.record.notes, "<b>x</b>");
  assert.deepEqual(core.applyField(s, "items", "x", new Date(0)).items, {});
});

test("pruneState drops ticks of items that are no longer on the page", () => {
  let s = core.emptyState();
  s = core.applyTick(s, "keep", true, "甲", new Date(0));
  s = core.applyTick(s, "gone", true, "乙", new Date(0));
  assert.deepEqual(Object.keys(core.pruneState(s, ["keep", "other"]).items), ["keep"]);
});

// ---------------------------------------------------------------- 导出

function sampleRecord() {
  return core.buildRecord({
    title: "升级前检查单",
    mode: "do-confirm",
    // 模式名称来自 data/widget_text.yml，由页面交给脚本
    modes: { "read-do": { label: "READ-DO" }, "do-confirm": { label: "DO-CONFIRM" } },
    checklist: "before",
    page: { path: "operations/upgrade", title: "系统升级", url: "http://h/operations/upgrade/" },
    items: [
      { id: "t-1", text: "确认 *范围* 与计划一致", level: 0, checked: true, at: "2026-11-28T01:05:00.000Z" },
      { id: "backup", text: "备份全部关键数据", level: 0, checked: false, at: null },
      { id: "t-3", text: "子项", level: 1, checked: true, at: null },
    ],
    record: {
      operator: "<img src=x onerror=alert(1)>",
      ticket: "CHG-2026-001",
      start: "2026-11-28T09:00",
      notes: "第一行\n```\n第三行",
    },
    handbook: STAMP,
    now: new Date("2026-11-28T02:30:00Z"),
  });
}

test("buildRecord gives every field the JSON export needs", () => {
  const rec = sampleRecord();
  assert.equal(rec.format, "handbook-checklist-record");
  assert.equal(rec.schema, 2);
  assert.deepEqual(rec.handbook, STAMP);
  assert.equal(rec.title, "升级前检查单");
  assert.equal(rec.mode, "DO-CONFIRM");
  assert.equal(rec.checklist, "before");
  assert.deepEqual(rec.page, { path: "operations/upgrade", title: "系统升级", url: "http://h/operations/upgrade/" });
  assert.equal(rec.exported_at, "2026-11-28T10:30:00+08:00");
  assert.deepEqual(rec.progress, { done: 2, total: 3 });
  assert.deepEqual(rec.record, {
    operator: "<img src=x onerror=alert(1)>",
    ticket: "CHG-2026-001",
    start: "2026-11-28T09:00:00+08:00",
    notes: "第一行\n```\n第三行",
  });
  assert.deepEqual(rec.items, [
    { id: "t-1", text: "确认 *范围* 与计划一致", level: 0, checked: true, checked_at: "2026-11-28T09:05:00+08:00" },
    { id: "backup", text: "备份全部关键数据", level: 0, checked: false, checked_at: null },
    { id: "t-3", text: "子项", level: 1, checked: true, checked_at: null },
  ]);
  assert.deepEqual(JSON.parse(core.toJSON(rec)), rec);
});

test("toMarkdown writes every field, escapes user text and fences the notes", () => {
  const md = core.toMarkdown(sampleRecord());
  assert.equal(md, [
    "# 执行记录：升级前检查单",
    "",
    "- 页面：系统升级（operations/upgrade）",
    "- 检查单：升级前检查单（before，DO-CONFIRM）",
    "- 执行人：\\<img src=x onerror=alert(1)\\>",
    "- 变更或事件编号：CHG-2026-001",
    "- 开始时间：2026-11-28 09:00",
    "- 导出时间：2026-11-28 10:30",
    "- 进度：已完成 2 项，共 3 项",
    "- 手册版本：2026.11（提交 abc1234，构建于 2026-11-27）",
    "",
    "## 检查项",
    "",
    "- [x] 确认 \\*范围\\* 与计划一致（勾选于 2026-11-28 09:05）",
    "- [ ] 备份全部关键数据",
    "    - [x] 子项（勾选时间未知）",
    "",
    "## 备注",
    "",
    "````text",
    "第一行",
    "```",
    "第三行",
    "````",
    "",
  ].join("\n"));
});

test("toMarkdown marks empty fields", () => {
  const rec = core.buildRecord({
    title: "每日检查", mode: "", checklist: "daily",
    page: { path: "operations/maintenance", title: "预防性维护" },
    items: [], record: {}, now: new Date("2026-11-28T02:30:00Z"),
  });
  const md = core.toMarkdown(rec);
  assert.match(md, /^- 检查单：每日检查（daily）$/m);
  assert.match(md, /^- 执行人：（未填写）$/m);
  assert.match(md, /^- 开始时间：（未填写）$/m);
  assert.match(md, /^- 手册版本：（未知）$/m);
  assert.deepEqual(rec.handbook, { version: "", commit: "", build_date: "" });
  assert.match(md, /## 备注\n\n（无）\n$/);
});

test("escapeMarkdown turns line breaks into spaces", () => {
  assert.equal(core.escapeMarkdown("a\nb\r\nc"), "a b c");
  assert.equal(core.escapeMarkdown("[x](y) `z` _w_ \\"), "\\[x\\](y) \\`z\\` \\_w\\_ \\\\");
});

test("fileName is built from page, checklist and export time", () => {
  assert.equal(core.fileName(sampleRecord(), "md"), "operations-upgrade-before-20261128-1030.md");
});

test("the handbook stamp keeps only its three text fields", () => {
  assert.deepEqual(core.sanitizeStamp({ version: "1", commit: 7, extra: "x" }), { version: "1", commit: "", build_date: "" });
  assert.deepEqual(core.sanitizeStamp(null), { version: "", commit: "", build_date: "" });
  assert.equal(core.handbookLine({ version: "2026.11" }), "- 手册版本：2026.11");
  assert.equal(core.handbookLine({ commit: "abc" }), "- 手册版本：（未知）（提交 abc）");
});

// ---------------------------------------------------------------- 整页导出

function sampleBundle() {
  const second = core.buildRecord({
    title: "升级后检查单", mode: "read-do",
    modes: { "read-do": { label: "READ-DO" }, "do-confirm": { label: "DO-CONFIRM" } },
    checklist: "after",
    page: { path: "operations/upgrade", title: "系统升级", url: "http://h/operations/upgrade/" },
    items: [{ id: "t-9", text: "验证登录", level: 0, checked: false, at: null }],
    record: {}, handbook: STAMP, now: new Date("2026-11-28T02:30:00Z"),
  });
  return pageExport.buildPageBundle({
    handbook: STAMP,
    page: { path: "operations/upgrade", title: " 系统升级 ", url: "http://h/operations/upgrade/" },
    records: [sampleRecord(), second],
    now: new Date("2026-11-28T02:30:00Z"),
  });
}

test("buildPageBundle wraps the single exports unchanged", () => {
  const bundle = sampleBundle();
  assert.deepEqual(Object.keys(bundle), ["schema", "kind", "handbook", "page", "exported_at", "checklists"]);
  assert.equal(bundle.schema, 1);
  assert.equal(bundle.kind, "checklist-page");
  assert.deepEqual(bundle.handbook, STAMP);
  assert.deepEqual(bundle.page, { path: "operations/upgrade", title: "系统升级", url: "http://h/operations/upgrade/" });
  assert.equal(bundle.exported_at, "2026-11-28T10:30:00+08:00");
  assert.deepEqual(bundle.checklists[0], sampleRecord());
  assert.deepEqual(bundle.checklists.map((rec) => rec.checklist), ["before", "after"]);
});

test("pageToMarkdown writes a header and one section per checklist", () => {
  const md = pageExport.pageToMarkdown(sampleBundle());
  const lines = md.split("\n");
  assert.deepEqual(lines.slice(0, 7), [
    "# 执行记录：系统升级（本页全部检查单）",
    "",
    "- 页面：系统升级（operations/upgrade）",
    "- 导出时间：2026-11-28 10:30",
    "- 手册版本：2026.11（提交 abc1234，构建于 2026-11-27）",
    "- 检查单：共 2 张；已完成 2 项，共 4 项",
    "",
  ]);
  assert.equal(lines[7], "## 升级前检查单");
  assert.ok(md.includes("\n- 检查单：升级前检查单（before，DO-CONFIRM）\n"));
  assert.ok(md.includes("\n### 检查项\n\n- [x] 确认 \\*范围\\* 与计划一致（勾选于 2026-11-28 09:05）\n"));
  assert.ok(md.includes("\n### 备注\n\n````text\n第一行\n```\n第三行\n````\n\n## 升级后检查单\n"));
  assert.ok(md.endsWith("### 备注\n\n（无）\n"));
  assert.equal(md.match(/^# /gm).length, 1, "only one top-level heading");
  assert.equal(md.match(/手册版本/g).length, 1, "the stamp is written once");
});

test("pageFileName is built from page and export time", () => {
  assert.equal(pageExport.pageFileName(sampleBundle(), "json"), "operations-upgrade-checklists-20261128-1030.json");
});

// ---------------------------------------------------------------- 两个标签页

test("reconcile applies remote text only when nothing is being typed here", () => {
  assert.equal(sync.reconcile("a", "a", "a"), "same");
  assert.equal(sync.reconcile("ab", "x", "ab"), "same");
  assert.equal(sync.reconcile("", "", "甲写的"), "apply");
  assert.equal(sync.reconcile("旧", "旧", "新"), "apply");
  assert.equal(sync.reconcile("乙在打字", "", "甲写的"), "conflict");
  assert.equal(sync.reconcile("乙在打字", "旧", ""), "conflict", "a remote reset does not wipe local typing");
});

test("mergeText keeps both versions", () => {
  assert.equal(sync.mergeText("本页\n第二行", "第二行\n另一页"), "本页\n第二行\n另一页");
  assert.equal(sync.mergeText("甲乙丙", "甲乙"), "甲乙丙");
  assert.equal(sync.mergeText("甲", "甲乙丙"), "甲乙丙");
  assert.equal(sync.mergeText("", "对方"), "对方");
  assert.equal(sync.mergeText("本页", ""), "本页");
  assert.equal(sync.mergeText("本页 \n", "对方"), "本页\n对方");
  const merged = sync.mergeText("09:10 停止写入", "09:12 开始备份");
  assert.ok(merged.includes("09:10 停止写入") && merged.includes("09:12 开始备份"));
});

test("parseDraft accepts only record fields with text", () => {
  assert.deepEqual(sync.parseDraft('{"notes":"草稿","operator":3,"x":"y"}'), { notes: "草稿" });
  assert.deepEqual(sync.parseDraft("{not json"), {});
  assert.deepEqual(sync.parseDraft("[1]"), {});
  assert.deepEqual(sync.parseDraft(null), {});
  assert.equal(sync.draftKey("operations/upgrade", "before"), "handbook:checklist:draft:operations/upgrade:before");
});

test("fill replaces named placeholders and leaves unknown ones", () => {
  assert.equal(sync.fill("已完成 {done} 项，共 {total} 项", { done: 2, total: 5 }), "已完成 2 项，共 5 项");
  assert.equal(sync.fill("{title}：{missing}", { title: "甲" }), "甲：{missing}");
});
