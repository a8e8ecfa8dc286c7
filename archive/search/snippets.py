"""Highlighted snippets: where in an article the searched words occur.

Computed in Python for the twenty results shown, the same on every database:
words match when their folded English stems match, as in the index.
"""

import re
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..text import fold

WINDOW = 32  # words in a snippet
_WORD = re.compile(r"[^\W_]+")
_MARKDOWN = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!>])|^[#>]+\s*|[*_`]+|!?\[([^\]]*)\]\([^)]*\)", re.MULTILINE)
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word):
    return _stemmer.stemWord(fold(word))


def plain_text(markdown):
    """Readable text from Markdown: no markup characters, link text kept."""
    return " ".join(_MARKDOWN.sub(lambda match: match.group(1) or "", markdown).split())


def highlight(text, stems):
    """`text` escaped, with the words whose stems are in `stems` marked."""
    out, last = [], 0
    for match in _WORD.finditer(text):
        if stem(match.group()) in stems:
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(article, words):
    """A passage of the standfirst and body around the most searched words, marked."""
    stems = {stem(word) for word in words}
    text = plain_text(" ".join(filter(None, [article.standfirst, article.body])))
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return ""
    hits = [index for index, token in enumerate(tokens) if stem(token.group()) in stems]
    best_start, best = 0, -1
    for hit in hits:
        start = max(0, hit - WINDOW // 3)
        covered = {stem(tokens[i].group()) for i in range(start, min(start + WINDOW, len(tokens)))} & stems
        if len(covered) > best:
            best_start, best = start, len(covered)
    end = min(best_start + WINDOW, len(tokens))
    begin_at = tokens[best_start].start() if best_start else 0
    end_at = tokens[end - 1].end() if end < len(tokens) else len(text)
    passage = highlight(text[begin_at:end_at], stems)
    return mark_safe(("… " if best_start else "") + passage + (" …" if end < len(tokens) else ""))
