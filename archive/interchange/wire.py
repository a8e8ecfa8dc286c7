"""The plain-text wire format: a headline, paragraphs, then an optional “Related Sources:” block."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from archive.interchange.records import ArticleRecord, ImportProblem
from archive.models import Article

SOURCES_HEADING = re.compile(r"^related sources\s*:?$", re.IGNORECASE)
# Lines no longer than this, in a block of several, are a hard-wrapped paragraph.
WRAP_WIDTH = 100
MAX_HEADLINE = Article._meta.get_field("headline").max_length
URL_PATTERN = re.compile(r"https?://\S+$", re.IGNORECASE)
SOURCE_WITH_TITLE = re.compile(
    r"^(?P<title>.+?)\s+[-–—]\s+(?P<url>https?://\S+)$|^(?P<title2>.+?)\s*[–—]\s*(?P<url2>https?://\S+)$"
)
BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'’. -]{1,40}[A-Z])(?:\s*,[^-–—(]{0,30})?(?:\s*\([^)]{1,40}\))?\s+[-–—]\s+\S"
)
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
MARKDOWN_BLOCK_START = re.compile(r"^(#|>|[-+*=]\s|```|~~~)")
NUMBERED_LIST_START = re.compile(r"^(?P<number>\d+)[.)]\s")
validate_url = URLValidator(schemes=["http", "https"])


def decode_text(data):
    """Bytes to text, refusing what is not a UTF-8 text file."""
    if not data.strip():
        raise ImportProblem("the file is empty")
    if b"\x00" in data:
        raise ImportProblem(
            "this is a binary file, not text (it contains NUL bytes)", data[: data.index(b"\x00")].count(b"\n") + 1
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportProblem(f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)", line) from None
    if match := CONTROL_CHARACTERS.search(text):
        line = text.count("\n", 0, match.start()) + 1
        raise ImportProblem(
            f"this looks like a binary file: it contains the control character U+{ord(match.group()):04X}", line
        )
    return text


def split_paragraphs(lines):
    """Paragraphs from (line number, text) pairs: one per line, or hard-wrapped blocks joined."""
    blocks, block = [], []
    for _number, text in lines:
        if text.strip():
            block.append(text.strip())
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    paragraphs = []
    for block in blocks:
        if len(block) > 1 and max(len(text) for text in block[:-1]) <= WRAP_WIDTH:
            paragraphs.append(" ".join(block))
        else:
            paragraphs.extend(block)
    return paragraphs


def as_markdown_paragraph(text):
    """Plain wire text as a Markdown paragraph that renders as written."""
    if numbered := NUMBERED_LIST_START.match(text):
        return f"{numbered['number']}\\{text[len(numbered['number']) :]}"
    if MARKDOWN_BLOCK_START.match(text):
        return "\\" + text
    return text


def parse_source(text, line):
    text = BULLET.sub("", text.strip(), count=1)
    if URL_PATTERN.fullmatch(text):
        title, url = "", text
    elif match := SOURCE_WITH_TITLE.match(text):
        title = (match["title"] or match["title2"]).strip()
        url = match["url"] or match["url2"]
    else:
        raise ImportProblem(f"“{text[:80]}” is not a source: expected a URL, or “Title - URL”", line)
    try:
        validate_url(url)
    except ValidationError:
        raise ImportProblem(f"“{url[:80]}” is not a valid web address", line) from None
    publisher = re.sub(r"^www\.", "", url.split("/")[2].split(":")[0].lower())
    return {"title": title[:500], "url": url, "publisher": publisher[:200]}


def parse_wire_text(data, import_key):
    """The plain-text wire format: headline, paragraphs, then an optional “Related Sources:” block."""
    text = decode_text(data)
    lines = [(number, line.rstrip()) for number, line in enumerate(text.splitlines(), start=1)]
    content = [(number, line) for number, line in lines if line.strip()]
    if not content:
        raise ImportProblem("the file is empty")
    headline_line, headline = content[0]
    headline = headline.strip()
    if SOURCES_HEADING.match(headline):
        raise ImportProblem("there is no headline: the file starts with its sources", headline_line)
    if len(headline) > MAX_HEADLINE:
        raise ImportProblem(
            f"the first line is {len(headline)} characters long, too long for a headline "
            f"(at most {MAX_HEADLINE}); does the file start with its headline?",
            headline_line,
        )
    body_lines, source_lines, in_sources = [], [], False
    for number, line in lines:
        if number <= headline_line:
            continue
        if not in_sources and SOURCES_HEADING.match(line.strip()):
            in_sources = True
        elif in_sources:
            if line.strip():
                source_lines.append((number, line))
        else:
            body_lines.append((number, line))
    paragraphs = split_paragraphs(body_lines)
    if not paragraphs:
        raise ImportProblem("there is a headline but no paragraphs after it", headline_line)
    dateline = DATELINE.match(paragraphs[0])
    fields = {
        "headline": headline,
        "body": "\n\n".join(as_markdown_paragraph(p) for p in paragraphs),
        "dateline": dateline["place"].strip() if dateline else "",
    }
    sources = [parse_source(line, number) for number, line in source_lines]
    return ArticleRecord(fields=fields, sources=sources, import_key=import_key, line=headline_line, from_wire=True)
