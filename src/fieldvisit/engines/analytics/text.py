"""The most frequent words and two-word phrases in borrowers' own words, with examples.

Chinese is segmented with jieba (its bundled dictionary, no download); Latin-script text is split
on anything that is not a letter or digit and lower-cased. Stop words (function words, pronouns,
the collection vocabulary every report shares) are dropped before counting, and so are
one-character Chinese tokens and tokens that are only digits or punctuation.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

_ZH = """
的 了 是 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 就 都 也 还 在 和 与
及 或 而 但 但是 因为 所以 如果 然后 已经 可以 没有 不 没 很 太 又 再 会 要 能 想
说 让 给 把 被 对 从 到 向 跟 有 一个 一些 什么 怎么 这样 那样 现在 时候 自己 之后 之前
以后 以前 目前 还是 就是 其实 比较 非常 一下 一直 可能 应该 吧 呢 啊 吗 嘛 哦 呀 着 过 个
些 点 等 等等 及其 以及 还有 而且 并且 不是 不会 不能 知道 觉得
"""
_EN = """
a an the and or but if then so because as of to in on at by for with from into about is are was
were be been being am do does did have has had i me my we our you your he him his she her it its
they them their this that these those there here not no can could will would shall should may
might must just very too also only than when what which who how all any some more most much many
up down out over again once
"""
STOP_WORDS_ZH = frozenset(_ZH.split())
STOP_WORDS_EN = frozenset(_EN.split())
_LATIN = re.compile(r"[a-z0-9][a-z0-9'-]*")
_HAN = re.compile(r"[\u3400-\u9fff]")
_MEANINGLESS = re.compile(r"^[\W\d_]+$")


@cache
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokens(text: str, stop_words: frozenset[str] = STOP_WORDS_ZH | STOP_WORDS_EN) -> list[str]:
    """The countable tokens of ``text``, in order: jieba words for Chinese runs, lower-case
    words for Latin runs, without stop words, single Han characters and pure digits/punctuation."""
    result: list[str] = []
    jieba = _jieba()
    for piece in jieba.lcut(text):  # type: ignore[attr-defined]
        word = str(piece).strip().lower()
        if not word or _MEANINGLESS.match(word):
            continue
        if _HAN.search(word):
            if len(word) > 1 and word not in stop_words:
                result.append(word)
            continue
        result.extend(w for w in _LATIN.findall(word) if w not in stop_words and not w.isdigit())
    return result


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase (two tokens joined by a space), the number of texts it occurs in, and up
    to ``examples`` of those texts' ids, in input order."""

    term: str
    texts: int
    examples: tuple[int, ...]


def frequent_terms(
    texts: Iterable[tuple[int, str]], *, top: int = 20, examples: int = 3, phrases: bool = False
) -> list[Term]:
    """The ``top`` words (or, with ``phrases``, adjacent token pairs) by the number of texts
    containing them — document frequency, so one long text cannot dominate — ties by the term.

    ``texts`` are (id, text) pairs; ids come back as examples.
    """
    counts: Counter[str] = Counter()
    seen_in: dict[str, list[int]] = {}
    for text_id, text in texts:
        words = tokens(text)
        terms: Sequence[str] = [f"{a} {b}" for a, b in pairwise(words)] if phrases else words
        for term in dict.fromkeys(terms):
            counts[term] += 1
            ids = seen_in.setdefault(term, [])
            if len(ids) < examples:
                ids.append(text_id)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [Term(term=t, texts=n, examples=tuple(seen_in[t])) for t, n in ranked]
