"""Highlighted snippets: where in an article the searched words occur.

Computed in Python for the twenty results shown, the same on every database:
words match when their folded English stems match, as in the index, or when one is
another form of the other (archive.lib.search_forms): a base form, a name alike in sound.
"""

import re
from functools import lru_cache

import Stemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.lib.morphology import base_forms
from archive.lib.search_forms import sound_tokens
from archive.lib.text import fold

PASSAGE = 220  # characters in a snippet: about 35 words
LEAD = 70  # characters shown before the first searched word
MAX_HITS = 200
_WORD = re.compile(r"[^\W_]+")
_MARKDOWN = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!>])|^[#>]+\s*|[*_`]+|!?\[([^\]]*)\]\([^)]*\)", re.MULTILINE)
_MARKUP_CHARACTER = re.compile(r"[\\`*_\[#>]")  # most articles have none: no need to look further
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word):
    return _stemmer.stemWord(fold(word))


@lru_cache(maxsize=50_000)
def forms(word):
    """The stems a word of the text is marked for: its own, its base forms', and if it is
    capitalised (a name, as the index holds them) its sound tokens'."""
    others = [*base_forms(word), *(sound_tokens(word) if word[:1].isupper() else ())]
    return frozenset([stem(word), *(stem(form) for form in others)])


def plain_text(markdown):
    """Readable text from Markdown: no markup characters, link text kept."""
    if _MARKUP_CHARACTER.search(markdown):
        markdown = _MARKDOWN.sub(lambda match: match.group(1) or "", markdown)
    return " ".join(markdown.split())


def highlight(text, stems):
    """`text` escaped, with the words whose stems are in `stems` marked."""
    out, last = [], 0
    for match in _WORD.finditer(text):
        if forms(match.group()) & stems:
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(article, words):
    """A passage of the standfirst and body around the most searched words, marked.

    Only the distinct words of the text are stemmed; the passages where they occur are
    then found by one regular expression, so a long article costs little more than a short one.
    """
    stems = {stem(word) for word in words}
    text = plain_text(" ".join(filter(None, [article.standfirst, article.body])))
    if not text:
        return ""
    found = {word for word in set(_WORD.findall(text.lower())) if forms(word) & stems}
    hits = list(occurrences(tuple(sorted(found))).finditer(text))[:MAX_HITS] if found else []
    begin = best_passage_start(hits)
    end = min(len(text), begin + PASSAGE)
    if begin:  # start and end on word boundaries
        begin = text.find(" ", begin) + 1 or begin
    if end < len(text):
        end = text.rfind(" ", begin, end) if " " in text[begin:end] else end
    passage = highlight(text[begin:end], stems)
    return mark_safe(("… " if begin else "") + passage + (" …" if end < len(text) else ""))


def best_passage_start(hits):
    """Where the passage covering the most different searched words starts (a little before its first)."""
    best_start, best = 0, 0
    for index, hit in enumerate(hits):
        start = max(0, hit.start() - LEAD)
        covered = set()
        for later in hits[index:]:
            if later.end() > start + PASSAGE:
                break
            covered.add(stem(later.group()))
        if len(covered) > best:
            best_start, best = start, len(covered)
    return best_start


@lru_cache(maxsize=1000)
def occurrences(words):
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
