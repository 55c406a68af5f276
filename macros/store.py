"""数据仓库：data/ 下的每个文件每次构建只解析一次、只校验一次，构建钩子和各个宏共用。

- 解析结果按（路径、修改时间、大小）缓存：文件没变就不再解析（mkdocs serve 重建时也一样）。
- 校验结果按数据目录与页面的指纹缓存；构建期间由钩子 ``begin`` 开一个新仓库，
  构建中不再比对指纹。
- ``parses`` 记下每个文件被解析的次数，供测试确认“每个文件只解析一次”。
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import yaml

from macros.schema import DataError


class Mapping(dict):
    """记住自己在 YAML 文件里起始行号的 dict。"""

    line: int = 0


class Sequence(list):
    line: int = 0


#: libyaml 的解析器（PyYAML 的轮子自带）比纯 Python 的快几倍；行号同样来自 node.start_mark
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise DataError(f"{loader.name}:{key_node.start_mark.line + 1}: 重复的键 {key!r}")
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise DataError(f"{loader.name}:{node.start_mark.line + 1}: 日期无效 {node.value!r}（{exc}）") from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def parse_text(text: str, name: str) -> Any:
    """解析 YAML 文字；语法错误时抛出带文件名和行号的 DataError。"""
    loader = _LineLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise DataError(f"{name}{line}: YAML 格式错误：{exc.problem or exc}") from None
    finally:
        loader.dispose()


#: 数据文件名 → 校验并读取它的函数（参数是项目根目录）。由 datafiles.datafile 登记。
VALIDATORS: dict[str, Callable[[Path], Any]] = {}

#: 解析缓存：文件路径 → ((修改时间, 大小), 结果或 DataError)。所有仓库共用。
_parsed: dict[Path, tuple[tuple[int, int], Any]] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class Store:
    """一个项目（根目录）的数据。"""

    def __init__(self, root: Path, *, frozen: bool = False):
        self.root = Path(root).resolve()
        self.frozen = frozen   # 构建期间为 True：文件不会变，不必每次比对指纹
        self.parses: Counter[str] = Counter()
        self._values: dict[str, Any] = {}
        self._fingerprint: tuple | None = None
        self._loading: list[str] = []

    # ---- 解析

    def parse(self, path: Path) -> Any:
        """解析一个 YAML 文件（按修改时间缓存）；文件缺失或语法错误时抛出 DataError。"""
        path = Path(path)
        name = rel(path, self.root)
        stamp = _stamp(path)
        if stamp is None or not path.is_file():
            raise DataError(f"{name}: 数据文件不存在")
        key = path.resolve()
        cached = _parsed.get(key)
        if cached is None or cached[0] != stamp:
            self.parses[name] += 1
            try:
                value: Any = parse_text(path.read_text(encoding="utf-8"), name)
            except DataError as exc:
                value = exc
            _parsed[key] = cached = (stamp, value)
        if isinstance(cached[1], DataError):
            raise cached[1]
        return cached[1]

    # ---- 校验后的数据

    def _current_fingerprint(self) -> tuple:
        files = [*sorted((self.root / "data").glob("*.yml")), *sorted((self.root / "includes").glob("*")),
                 *sorted((self.root / "docs").rglob("*.md"))]
        return tuple((os.fspath(f), _stamp(f)) for f in files)

    def _refresh(self) -> None:
        if self.frozen or self._loading:
            return
        fingerprint = self._current_fingerprint()
        if fingerprint != self._fingerprint:
            self._values.clear()
            self._fingerprint = fingerprint

    def get(self, name: str) -> Any:
        """校验过的数据文件内容；不合格时抛出 DataError（列出该文件的全部问题）。"""
        self._refresh()
        if name not in self._values:
            if name in self._loading:
                raise DataError(f"data/{name}: 数据文件互相引用：{' → '.join([*self._loading, name])}")
            self._loading.append(name)
            try:
                self._values[name] = VALIDATORS[name](self.root)
            except DataError as exc:
                self._values[name] = exc
            finally:
                self._loading.pop()
        value = self._values[name]
        if isinstance(value, DataError):
            raise value
        return value

    def validate_all(self) -> list[str]:
        """校验全部登记的数据文件，返回所有问题（每个文件的全部问题，逐行）。"""
        problems: list[str] = []
        for name in VALIDATORS:
            try:
                self.get(name)
            except DataError as exc:
                # 引用了坏文件的其他文件会报出同一个问题，只列一次
                problems += [line for line in str(exc).splitlines() if line not in problems]
        return problems


_stores: dict[Path, Store] = {}


def for_root(root: Path) -> Store:
    """项目的数据仓库（同一个根目录共用一个）。"""
    key = Path(root).resolve()
    store = _stores.get(key)
    if store is None:
        store = _stores[key] = Store(key)
    return store


def begin(root: Path) -> Store:
    """开始一次构建：换一个新仓库，构建期间不再比对文件指纹。"""
    key = Path(root).resolve()
    store = _stores[key] = Store(key, frozen=True)
    return store


def end(root: Path) -> None:
    """构建结束：之后的调用（测试、工具）重新比对文件指纹。"""
    store = _stores.get(Path(root).resolve())
    if store is not None:
        store.frozen = False
        store._fingerprint = store._current_fingerprint()
