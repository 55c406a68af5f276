"""汇总所有数据文件的校验：导入定义数据文件的全部模块（导入即登记），再逐个校验。"""
from __future__ import annotations

from pathlib import Path

import macros  # noqa: F401  导入 macros 包会导入它登记的全部子模块
from macros import datafiles


def validate_all(root: Path = datafiles.ROOT) -> None:
    for loader in datafiles.LOADERS.values():
        loader(root)
