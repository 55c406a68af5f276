// 页面脚本的 eslint 配置（flat config）。运行：npm ci && npx eslint .
// 方言：现代 JavaScript（const/let、箭头函数、class），但不用 ES 模块——
// 脚本以普通 <script> 加载，离线包要能从 file:// 打开；每个文件是一个 "use strict" 的立即执行函数。
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    // 第三方代码：vendor/ 是原样收录的包，material/ 是 Material for MkDocs 内联脚本的原样副本
    ignores: ["node_modules/**", "site/**", ".venv/**", "bench/**", "tests/vendor/**", "docs/assets/vendor/**", "docs/assets/javascripts/material/**"],
  },
  js.configs.recommended,
  {
    files: ["docs/assets/javascripts/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, module: "writable", require: "readonly" },
    },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      "prefer-arrow-callback": "error",
      strict: ["error", "function"],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      "no-implicit-globals": "error",
      "no-shadow": "error",
      curly: ["error", "multi-line"],
      // 一个文件一个组件（或它的纯逻辑），不超过 500 行
      "max-lines": ["error", { max: 500 }],
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "commonjs",
      globals: { ...globals.node },
    },
  },
];
