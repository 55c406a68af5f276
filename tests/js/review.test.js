// review.js 的纯逻辑：与 tests/review_cases.json 中的用例逐条对照（Python 的实现用同一份用例）。
// 到期日由构建算好（macros/release.py，tests/test_review.py 核对 due），页面脚本只由到期日和今天判断状态。
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const review = require(path.join(__dirname, "../../docs/assets/javascripts/review.js"));
const cases = require(path.join(__dirname, "../review_cases.json"));

for (const c of cases) {
  test(`到期 ${c.due}，${c.today}`, () => {
    const r = review.reviewState(c.due, c.today);
    assert.equal(r.due, c.due);
    assert.equal(r.daysLeft, c.days_left);
    assert.equal(r.state, c.state);
  });
}

test("无效输入", () => {
  assert.equal(review.reviewState("2026-13-01x", "2026-01-01").state, "invalid");
  assert.equal(review.reviewState("2026-02-30", "2026-01-01").state, "invalid");
  assert.equal(review.reviewState("2026-01-01", "").state, "invalid");
});
