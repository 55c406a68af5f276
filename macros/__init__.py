"""手册的 mkdocs-macros 模块：每个关注点一个子模块，在这里统一登记。

每个子模块提供 ``register(env, root)``，在其中用 ``@env.macro`` 定义页面可用的宏，
并用 ``@datafiles.datafile("名称.yml")`` 登记它读取的数据文件。数据文件由数据仓库（store.py）
每次构建只解析、校验一次，构建钩子（hooks/checks.py）和各个宏共用。
"""
from __future__ import annotations

from pathlib import Path

# search、terms、urls 只登记数据文件（构建钩子用），不提供宏
from macros import (  # noqa: F401
    business, checklists, downloads, drills, facts, flowchart, incident, legal, printpacks, record, release, search,
    service, terms, training, tree, urls,
)

MODULES = (facts, release, incident, tree, checklists, service, legal, drills, training, business, record, downloads,
           flowchart, printpacks)


def define_env(env) -> None:
    root = Path(env.project_dir)
    for module in MODULES:
        module.register(env, root)
