// Lighthouse 评分：启动一次 Chromium（CHROME_PATH），逐个页面运行 Lighthouse（desktop 预设），
// 把各类别的分数和未通过的审计写成 JSON。由 bench/run.py 调用：
//   node bench/lighthouse.mjs '{"类型": "http://127.0.0.1:PORT/路径/"}' OUT.json "--no-sandbox ..." [类别,类别]
// 不给类别时跑全部四类（performance、accessibility、best-practices、seo）。
import fs from 'node:fs';
import lighthouse, {desktopConfig} from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const [urlsJson, outPath, flags = '', categories = ''] = process.argv.slice(2);
const onlyCategories = categories ? categories.split(',') : undefined;
const urls = JSON.parse(urlsJson);
const chromeFlags = ['--headless=new', ...flags.split(/\s+/).filter(Boolean)];
const version = JSON.parse(fs.readFileSync(new URL('./node_modules/lighthouse/package.json', import.meta.url)))
  .version;

const chrome = await chromeLauncher.launch({chromePath: process.env.CHROME_PATH, chromeFlags});
const pages = {};
try {
  for (const [kind, url] of Object.entries(urls)) {
    const started = Date.now();
    const result = await lighthouse(url, {port: chrome.port, output: 'json', logLevel: 'error', onlyCategories},
      desktopConfig);
    const lhr = result.lhr;
    const scores = {};
    const failed = [];
    for (const [id, category] of Object.entries(lhr.categories)) {
      scores[id] = category.score === null ? null : Math.round(category.score * 100);
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1 &&
            audit.scoreDisplayMode !== 'informative' && audit.scoreDisplayMode !== 'manual') {
          failed.push({id: ref.id, category: id, score: audit.score, title: audit.title,
                       displayValue: audit.displayValue || null});
        }
      }
    }
    const metric = (id) => (lhr.audits[id] && lhr.audits[id].numericValue !== undefined
      ? Math.round(lhr.audits[id].numericValue) : null);
    pages[kind] = {
      url, scores, failed,
      metrics: {
        fcp_ms: metric('first-contentful-paint'),
        lcp_ms: metric('largest-contentful-paint'),
        tbt_ms: metric('total-blocking-time'),
        cls: lhr.audits['cumulative-layout-shift'] ? lhr.audits['cumulative-layout-shift'].numericValue : null,
        total_bytes: metric('total-byte-weight'),
      },
      runtime_error: lhr.runtimeError ? lhr.runtimeError.message : null,
      seconds: (Date.now() - started) / 1000,
    };
    process.stderr.write(`lighthouse ${kind}: ${JSON.stringify(scores)}\n`);
  }
} finally {
  await chrome.kill();
}
fs.writeFileSync(outPath, JSON.stringify({version, preset: 'desktop', chrome_flags: chromeFlags,
  categories: onlyCategories || 'all', pages}, null, 2));
