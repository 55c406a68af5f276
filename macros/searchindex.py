"""搜索索引在构建时建好：倒排表、词表和显示用的纯文本，浏览器里的搜索脚本直接载入，不再逐篇分词。

Material 的搜索插件写出的 search/search_index.json 里，每条文档（页面或小节）的 title、text 是 jieba 分好词的
HTML（词之间是零宽空格）。在浏览器里把几千条文档逐篇切词、建倒排表，1,600 页时要半秒以上，而且主线程要先把
整个索引解析一遍、再复制给 Worker。这里在构建时做同样的切词（与 docs/assets/javascripts/workers/search-text.js
的 fieldTokens 一致），写出一个紧凑的索引（COMPACT_VERSION）：

    {"v": 1, "count": 文档数,
     "docs": [[location, 标题纯文本, 正文纯文本, boost, 类型], …],
     "lengths": [每条文档正文的词数, …],
     "words": [词, …],                       # 按首次出现的顺序
     "post": [[文档号差, 词频码, 文档号差, 词频码, …], …]}   # 与 words 一一对应

文档号差：第一项是文档号，其后是与前一个文档号的差；词频码 = 正文词频 × 2 + （标题里有这个词 ? 1 : 0）。
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter

COMPACT_VERSION = 1
#: 搜索脚本里同样处理：文字先转小写、先按驼峰断开再切词，所以分隔符里的驼峰规则去掉
CAMEL_RULE = "|(?!\\b)(?=[A-Z][a-z])"
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
ENTITY = re.compile(r"&(#x[0-9a-f]+|#\d+|[a-z]+);", re.IGNORECASE)
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
CAMEL = re.compile(r"[A-Z][a-z]")
CAMEL_SPLIT = re.compile(r"(?!\b)(?=[A-Z][a-z])", re.ASCII)  # JavaScript 的 \b 只认 ASCII 字母数字
SPACES = re.compile(r"\s+")
BODY_MAX = 0xFFFF


def separator(config: dict) -> re.Pattern:
    """搜索插件的分隔符（与搜索脚本的 separatorOf 相同；\\d 按 JavaScript 只认 0–9）。"""
    source = str(config.get("separator") or "").replace(CAMEL_RULE, "").replace("\\d", "[0-9]")
    try:
        return re.compile(source or r"[\s\u200b-]+")
    except re.error:
        return re.compile(r"[\s\u200b-]+")


def decode_entities(text: str) -> str:
    """与搜索脚本的 decodeEntities 相同：数字实体和几个常用的命名实体。"""
    if "&" not in text:
        return text

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("#"):
            code = int(name[2:], 16) if name[1:2].lower() == "x" else int(name[1:])
            if 0 < code < 0x110000:
                return chr(code)
        return NAMED.get(name.lower(), match.group(0))
    return ENTITY.sub(replace, text)


def plain_text(raw: str) -> str:
    """索引里的 HTML 片段 → 显示用的纯文本（去标签、解实体、去零宽空格、合并空白）。"""
    return SPACES.sub(" ", decode_entities(TAG.sub(" ", str(raw))).replace("\u200b", "")).strip()


def _strip_edges(part: str) -> str:
    """去掉首尾不是字母、数字的字符（Unicode 的 L、N 类，与搜索脚本的 \\p{L}\\p{N} 相同；“_”本是分隔符）。"""
    start, end = 0, len(part)
    while start < end and not part[start].isalnum():
        start += 1
    while end > start and not part[end - 1].isalnum():
        end -= 1
    return part[start:end]


def field_tokens(raw, sep: re.Pattern, out: list[str]) -> None:
    """一个字段 → 词（小写、去掉首尾标点；单字不入索引），与搜索脚本的 fieldTokens 相同。"""
    if not raw:
        return
    text = TAG.sub(" ", str(raw))
    if FULLWIDTH.search(text):
        text = unicodedata.normalize("NFKC", text)
    if CAMEL.search(text):
        text = CAMEL_SPLIT.sub(" ", text)
    for part in sep.split(text.lower()):
        if len(part) < 2:
            continue
        if "&" in part:
            part = decode_entities(part)
        if not (part[0].isalnum() and part[-1].isalnum()):
            part = _strip_edges(part)
            if len(part) < 2:
                continue
        out.append(part)


def compact(data: dict) -> dict:
    """Material 的索引（已由钩子加上 type、boost）→ 紧凑的倒排索引（见模块说明）。"""
    sep = separator(data.get("config") or {})
    docs, lengths, words, post, last = [], [], [], [], []
    vocab: dict[str, int] = {}
    for doc in data.get("docs") or []:
        if not isinstance(doc, dict) or not isinstance(doc.get("location"), str):
            continue
        doc_id = len(docs)
        boost = doc.get("boost")
        boost = boost if isinstance(boost, (int, float)) and not isinstance(boost, bool) and boost > 0 else 1
        entry = [doc["location"], plain_text(doc.get("title") or ""), plain_text(doc.get("text") or ""), boost,
                 doc.get("type") or ""]
        tags = [tag for tag in doc.get("tags") or [] if isinstance(tag, str)]
        if tags:
            entry.append(tags)
        docs.append(entry)
        title: list[str] = []
        field_tokens(doc.get("title"), sep, title)
        for tag in tags:
            field_tokens(tag, sep, title)
        body: list[str] = []
        field_tokens(doc.get("text"), sep, body)
        lengths.append(len(body))
        titled = set(title)
        counts = Counter(title)  # 先放标题里的词：词表按首次出现的顺序，与搜索脚本一致
        for word in counts:
            counts[word] = 0
        counts.update(body)
        for word, count in counts.items():
            wid = vocab.get(word)
            if wid is None:
                wid = vocab[word] = len(words)
                words.append(word)
                post.append([])
                last.append(0)
            post[wid] += (doc_id - last[wid], min(count, BODY_MAX) * 2 + (word in titled))
            last[wid] = doc_id
    return {"v": COMPACT_VERSION, "count": len(docs), "docs": docs, "lengths": lengths, "words": words, "post": post}


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def script(index: dict) -> str:
    """离线包里搜索脚本用 importScripts 载入的文件（file:// 上 Worker 不能 fetch）：在 Worker（或 iframe-worker）里解析。
    JSON 放在字符串里交给 JSON.parse（比同样大小的对象字面量解析得快）。"""
    body = dump(index)
    literal = (body.replace("\\", "\\\\").replace("'", "\\'")
               .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\n", "\\n").replace("\r", "\\r"))
    return f"self.__hbSearchIndex=JSON.parse('{literal}');\n"


def file_name(text: str, ext: str) -> str:
    """带内容摘要的文件名（ext 为 json 或 js）：内容变了名字就变，可以放心长期缓存。"""
    return f"handbook-index.{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}.{ext}"


def read_script(text: str) -> dict:
    """script() 写出的文件 → 索引（测试和基准用）。"""
    prefix, suffix = "self.__hbSearchIndex=JSON.parse('", "');\n"
    if not (text.startswith(prefix) and text.endswith(suffix)):
        raise ValueError("不是搜索索引脚本")
    escapes = {"n": "\n", "r": "\r", "u2028": "\u2028", "u2029": "\u2029"}
    body = re.sub(r"\\(u2028|u2029|.)", lambda m: escapes.get(m.group(1), m.group(1)),
                  text[len(prefix):-len(suffix)], flags=re.S)
    return json.loads(body)
