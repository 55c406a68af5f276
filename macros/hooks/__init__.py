"""MkDocs 构建钩子（mkdocs.yml 的 hooks 按文件路径载入）：

- checks.py：校验数据文件、页面元数据、页面类型规则、手写的数据值，拒绝带示例值的生产构建；
- config.py：调整配置（内网版启用即时导航、页脚的构建标记、页面复核到期日）；
- search.py：搜索索引加上页面类型、加权、同义词和查询设置（data/terms.yml、data/search.yml）。
"""
