"""让按文件路径载入的构建钩子能 ``import macros``，而不改 sys.path。

MkDocs 载入钩子时只把钩子所在目录临时放进 sys.path，项目根目录不在其中。这里按位置载入
macros 包并登记到 sys.modules；mkdocs-macros 随后 ``import macros`` 时拿到的是同一个模块，
钩子与宏因此共用一个数据仓库。
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def load() -> None:
    if "macros" in sys.modules:
        return
    package = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "macros", package / "__init__.py", submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["macros"] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules["macros"]
        raise


load()
