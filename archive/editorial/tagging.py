"""Entity suggestions: the known people, places, organisations and incidents an article names,
and capitalised names it uses that the archive does not know yet.

Every name and alias is folded (case, diacritics, punctuation, spacing) and put
in an Aho-Corasick automaton, built once per process and rebuilt when an
entity or alias changes. An article's text is folded the same way, word by
word, and scanned once: the cost does not depend on how many entities there
are. Matches end on word boundaries, so "Zelenskiy's" names Zelenskiy and
"Kyivska" does not name Kyiv; the longest match wins ("North Korea", not
"Korea"); an abbreviation of four letters or fewer (UN, SBU) counts only when
written in capitals (UN, not un), while other names count in any case (Kyiv,
kyiv, KYIV); and a spelling shared by two entities suggests neither.

A second automaton holds the same spellings by sound, Cyrillic ones romanised
(archive.lib.names), and people's surnames; the text, romanised and keyed alike,
is scanned by it too, so "Зеленський" and "Zelenskyy" name Volodymyr Zelensky.
A surname alone counts where the article also names the person in full, or where
nobody else has it, and only written capitalised. A Ukrainian or Russian word in
another case than the spelling's ("з міністром Сибігою") is read in its base form
(archive.lib.morphology) where that is a word of a known spelling. Each occurrence
says how it names its entity: by name, alias, transliteration, surname or inflection.
"""

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick
from django.contrib.contenttypes.models import ContentType

from archive.lib.morphology import base_forms
from archive.lib.names import is_cyrillic, language_of, parts, romanised_as, sound_key, spelling_keys
from archive.lib.text import fold, name_key
from archive.models import ENTITY_KINDS, Alias, ArchiveState

SHORT_SPELLING = 4
_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE = re.compile(r"[^.!?\s][^.!?\n]*(?:[.!?]+|$)", re.MULTILINE)
# Capitalised words that begin sentences or name times, not things.
NOT_NAMES = frozenset(
    """a an the this that these those it its in on at of for from with by to as and or but if when while after
    before during since until about over under into than then there here he she they we you i his her their our
    officials residents witnesses analysts diplomats doctors engineers volunteers soldiers commanders lawmakers
    monitors investigators prosecutors emergency rescue military local regional aid repair schools hospitals
    independent there no several farmers insurance humanitarian air president minister governor mayor head
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december according earlier later meanwhile also foreign defence defense
    prime deputy secretary general chief spokesman spokeswoman spokesperson commander ambassador envoy
    interior justice finance state federal national""".split()
)
# "Ukrainian" is not a new entity when Ukraine is known; nor "North Koreans" when North Korea is.
DEMONYM_ENDINGS = ("ians", "ans", "ians", "ian", "ean", "an", "ese", "ish", "is", "i", "s")
JOINERS = frozenset({"of", "the", "de", "du", "al", "el", "van", "von"})
# Punctuation that ends a name: "Kursk, region" is not "Kursk region". Hyphens, apostrophes
# and the full stops of "U.N." do not.
_BREAK = re.compile(r"[,;:!?()\[\]{}\"“”\n]|\.\s")


@dataclass
class Occurrence:
    field: str  # headline, standfirst or body
    start: int  # character offsets in that field
    end: int
    text: str  # as written
    how: str = "name"  # name, alias, transliteration, surname or inflection: how the text names the entity


@dataclass
class EntitySuggestion:
    kind: object  # EntityKind
    entity_id: int
    name: str
    occurrences: list = field(default_factory=list)

    linked: bool = False  # the article is already linked to it

    @property
    def spellings(self):
        return sorted({occurrence.text for occurrence in self.occurrences})

    @property
    def fields(self):
        return sorted({occurrence.field for occurrence in self.occurrences}, key=FIELDS.index)

    @property
    def ways(self):
        """How the text names it, strongest first: name, alias, transliteration, surname, inflection."""
        return sorted({occurrence.how for occurrence in self.occurrences}, key=WAYS.index)


@dataclass
class Candidate:
    """A capitalised name the archive does not know."""

    name: str
    count: int
    occurrences: list = field(default_factory=list)


@dataclass
class Spelling:
    text: str  # as the editor wrote it
    kind_key: str
    entity_id: int
    name: str

    @property
    def how(self):
        return "name" if self.text == self.name else "alias"


WAYS = ["name", "alias", "transliteration", "surname", "inflection"]


class Matcher:
    def __init__(self, spellings):
        self.automaton = ahocorasick.Automaton()
        by_key = {}
        for spelling in spellings:
            key = name_key(spelling.text)
            if key:
                by_key.setdefault(key, []).append(spelling)
        for key, found in by_key.items():
            self.automaton.add_word(f" {key} ", (key, found))
        if by_key:
            self.automaton.make_automaton()
        self.size = len(by_key)
        # The last words of known names: "Zelenskiy" alone is a known person, not a new name.
        self.name_endings = set()
        for key in by_key:
            words = key.split()
            self.name_endings.update(" ".join(words[-length:]) for length in range(1, len(words)))
        self.sounds = ahocorasick.Automaton()
        by_sound = {}  # sound key -> [(spelling, is a part)]
        for spelling in spellings:
            for key in sound_forms(spelling.text):
                by_sound.setdefault(key, []).append((spelling, False))
            for part in parts(spelling.text, kind=spelling.kind_key):
                for key in sound_forms(part):
                    by_sound.setdefault(key, []).append((spelling, True))
        for key, found in by_sound.items():
            self.sounds.add_word(f" {key} ", (key, found))
        if by_sound:
            self.sounds.make_automaton()
            self.name_endings |= {key for key, found in by_sound.items() if any(part for _s, part in found)}
        # Every word of a spelling by sound: an inflected word is read in the base form that is one.
        self.sound_words = {word for key in by_sound for word in key.split()}

    def find(self, fields):
        """{(kind key, entity id): EntitySuggestion} for the known entities named in `fields` ({name: text})."""
        found = {}
        if not self.size:
            return found
        surnames = []
        for field_name, text in fields.items():
            for occurrence, spellings, how in self.matches(text):
                entities = {(s.kind_key, s.entity_id) for s, _part in spellings}
                if all(part for _s, part in spellings):  # a surname, as written or inflected
                    surnames.append((field_name, occurrence, spellings, how))
                    continue
                if len(entities) != 1:
                    continue  # the same spelling names two entities: ambiguous
                written = occurrence[2]
                if how == "name" and not any(self.written_as(written, s.text) for s, _part in spellings):
                    continue
                spelling = spellings[0][0]
                self.add(
                    found, spelling, Occurrence(field_name, *occurrence, how=how if how != "name" else spelling.how)
                )
        for field_name, occurrence, spellings, how in surnames:
            entities = {(s.kind_key, s.entity_id) for s, _part in spellings}
            # A surname counts for the person the article names in full, or for its only holder.
            named = entities & found.keys()
            if len(named) == 1 or len(entities) == 1:
                key = next(iter(named or entities))
                spelling = next(s for s, _part in spellings if (s.kind_key, s.entity_id) == key)
                self.add(found, spelling, Occurrence(field_name, *occurrence, how=how))
        for suggestion in found.values():
            suggestion.occurrences.sort(key=lambda o: (FIELDS.index(o.field) if o.field in FIELDS else 9, o.start))
        return found

    @staticmethod
    def add(found, spelling, occurrence):
        suggestion = found.setdefault(
            (spelling.kind_key, spelling.entity_id),
            EntitySuggestion(ENTITY_KINDS[spelling.kind_key], spelling.entity_id, spelling.name),
        )
        suggestion.occurrences.append(occurrence)

    def knows_a_base_of(self, key):
        """True if `key` looks like an adjective or plural of a known name: ukrainian, north koreans."""
        for ending in DEMONYM_ENDINGS:
            if key.endswith(ending) and len(key) > len(ending) + 3:
                base = key[: -len(ending)]
                if any(f" {guess} " in self.automaton for guess in (base, base + "a", base + "e", base + "ia")):
                    return True
        return False

    @staticmethod
    def written_as(written, spelling):
        """A short abbreviation counts only as written: "UN" and "SBU", not "un" and "sbu"."""
        letters = re.sub(r"\W", "", spelling)
        if len(letters) > SHORT_SPELLING or not letters.isupper():
            return True
        return re.sub(r"\W", "", written) == letters

    def matches(self, text):
        """[((start, end, written text), [(spelling, is a part)], how)]: longest first, never
        overlapping; spellings as written before spellings by sound."""
        tokens = list(_TOKEN.finditer(text))
        if not tokens or not self.size:
            return []
        breaks = [
            bool(index and _BREAK.search(text, tokens[index - 1].end(), token.start()))
            for index, token in enumerate(tokens)
        ]
        hits = [
            (first, last, [(spelling, False) for spelling in spellings], "name")
            for first, last, spellings in self.scan(self.automaton, [fold(t.group()) for t in tokens], breaks)
        ]
        language = cyrillic_language(text)
        sounded = [sound_of(token.group(), language) for token in tokens]
        # Cyrillic words in another case than a spelling's ("з міністром Сибігою"): in the base form
        # that is a word of some spelling, where one is ("Сибіга").
        inflected = (
            [
                self.base_form_of(token.group(), language) if word not in self.sound_words else word
                for token, word in zip(tokens, sounded, strict=True)
            ]
            if is_cyrillic(text)
            else sounded
        )
        readings = [(sounded, "transliteration", "surname")]
        if inflected != sounded:
            readings.append((inflected, "inflection", "inflection"))
        for words, whole_how, part_how in readings:
            for first, last, spellings in self.scan(self.sounds, words, breaks):
                # Alike in sound is a name only as names are written: "line" is not Lynne.
                if not tokens[first].group()[:1].isupper():
                    continue
                if all(part for _spelling, part in spellings):
                    if first != last:
                        continue
                    hits.append((first, last, spellings, part_how))
                else:
                    hits.append((first, last, [(s, p) for s, p in spellings if not p], whole_how))
        order = {"name": 0, "transliteration": 1, "surname": 2, "inflection": 3}
        hits.sort(key=lambda hit: (hit[0] - hit[1], order[hit[3]], hit[0]))
        taken, chosen = set(), []
        for first, last, spellings, how in hits:
            span = set(range(first, last + 1))
            if not span & taken:
                taken |= span
                start, end = tokens[first].start(), tokens[last].end()
                chosen.append(((start, end, text[start:end]), spellings, how))
        return sorted(chosen, key=lambda match: match[0][0])

    def base_form_of(self, token, language):
        """The sound key of the first base form of a Cyrillic `token` that is a word of a known
        spelling, or its own if none is."""
        for form in base_forms(token):
            sounded = sound_of(form, language)
            if sounded in self.sound_words:
                return sounded
        return sound_of(token, language)

    @staticmethod
    def scan(automaton, words, breaks):
        """[(first token, last token, spellings)] of the automaton's keys among `words`."""
        if not len(automaton):
            return []
        # " tok0 tok1 tok2 ": each pattern is " key ", so matches start and end on whole words;
        # a "|" between two words where punctuation ends a name keeps matches from crossing it.
        pieces, token_at, offset = [" "], {}, 1
        for index, word in enumerate(words):
            if breaks[index]:
                pieces.append("| ")
                offset += 2
            token_at[offset] = index
            pieces.append(word + " ")
            offset += len(word) + 1
        found = []
        for end, (key, spellings) in automaton.iter("".join(pieces)):
            first = token_at.get(end - len(key))
            if first is not None:
                found.append((first, first + key.count(" "), spellings))
        return found


def sound_forms(spelling):
    """The keys a spelling is matched by sound under: each Latin spelling's sound key."""
    return {sound_key(key) for key, how in spelling_keys(spelling).items() if how != "exact" or key.isascii()}


def cyrillic_language(text):
    """The romanisation to read Cyrillic text by: Russian where its letters say so, else Ukrainian."""
    return language_of(text) or "uk"


@lru_cache(maxsize=50_000)
def sound_of(token, language):
    """A word of an article as the sound automaton keys it."""
    return sound_key(name_key(romanised_as(token, language)) if is_cyrillic(token) else fold(token))


# ---------------------------------------------------------------- the process-wide matcher

_lock = threading.Lock()
_built = {"stamp": None, "matcher": None}


def all_spellings():
    spellings = []
    for kind in ENTITY_KINDS.values():
        names = dict(kind.model.objects.values_list("pk", "name"))
        spellings += [Spelling(name, kind.key, pk, name) for pk, name in names.items()]
        content_type = ContentType.objects.get_for_model(kind.model)
        for object_id, alias in Alias.objects.filter(content_type=content_type).values_list("object_id", "name"):
            if object_id in names:
                spellings.append(Spelling(alias, kind.key, object_id, names[object_id]))
    return spellings


def matcher():
    """The matcher for the entities there are now; rebuilt only after an entity or alias changed."""
    stamp = ArchiveState.current().entities_changed_at
    with _lock:
        if _built["matcher"] is None or _built["stamp"] != stamp:
            _built["matcher"] = Matcher(all_spellings())
            _built["stamp"] = stamp
        return _built["matcher"]


FIELDS = ["headline", "standfirst", "body"]


def article_fields(article):
    return {"headline": article.headline, "standfirst": article.standfirst, "body": article.body}


def suggest(article, fields=None):
    """Suggestions for the known entities the article names, ordered by kind then name;
    those it is already linked to are marked."""
    found = matcher().find(fields or article_fields(article))
    if article.pk:
        for kind in ENTITY_KINDS.values():
            for pk in kind.link_model.objects.filter(content_object=article).values_list("tag_id", flat=True):
                if (kind.key, pk) in found:
                    found[(kind.key, pk)].linked = True
    kinds = list(ENTITY_KINDS)
    return sorted(found.values(), key=lambda s: (kinds.index(s.kind.key), s.name))


def new_candidates(article, fields=None, limit=10):
    """Capitalised names in the text that no known entity is called, most frequent first.

    A name that ends another ("Zelenskiy" after "Volodymyr Zelenskiy") counts for the longer one.
    """
    fields = fields or article_fields(article)
    known = matcher()
    counts, examples = Counter(), {}
    for field_name, text in fields.items():
        if field_name == "headline" and title_case(text):
            continue  # Every Word Capitalised: no names to tell apart
        covered = [(start, end) for (start, end, _written), _spellings, _how in known.matches(text)]
        for match in _SENTENCE.finditer(text):
            sentence, offset = match.group(), match.start()
            for start, end, name in capitalised_runs(sentence):
                absolute = (offset + start, offset + end)
                if any(a < absolute[1] and absolute[0] < b for a, b in covered):
                    continue
                key = name_key(name)
                if known.knows_a_base_of(key) or key in known.name_endings or sound_key(key) in known.name_endings:
                    continue
                counts[name] += 1
                examples.setdefault(name, []).append(Occurrence(field_name, *absolute, name))
    for short in list(counts):
        longer = [name for name in counts if name != short and name.endswith(" " + short)]
        if longer:
            counts[max(longer, key=counts.get)] += counts.pop(short)
    return [Candidate(name, count, examples[name]) for name, count in counts.most_common(limit)]


def title_case(text):
    words = [word for word in _TOKEN.findall(text) if word.lower() not in JOINERS]
    return len(words) > 2 and sum(word[:1].isupper() for word in words) / len(words) > 0.6


def is_capitalised(word, followed_by=""):
    """A proper noun's word: "Kursk", "SBU", the O of "O'Neill"; not "the", not a lone capital letter."""
    lone_letter = word.isupper() and len(word) == 1 and not followed_by.startswith(("'", "’"))
    return word[:1].isupper() and not lone_letter and word.lower() not in NOT_NAMES


def capitalised_runs(sentence):
    """(start, end, name) for runs of capitalised words, joined by "of", "the"..., not sentence openers."""
    tokens = list(_TOKEN.finditer(sentence))
    runs, current = [], []
    for index, token in enumerate(tokens):
        word = token.group()
        following = tokens[index + 1].group() if index + 1 < len(tokens) else ""
        if is_capitalised(word, followed_by=sentence[token.end() : token.end() + 1]):
            current.append(token)
        elif current and word.lower() in JOINERS and is_capitalised(following):
            current.append(token)  # "Security Service of Ukraine"
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    found = []
    for run in runs:
        if len(run) == 1 and run[0].start() == 0:
            continue  # one capitalised word opening a sentence is just the sentence's first word
        found.append((run[0].start(), run[-1].end(), sentence[run[0].start() : run[-1].end()]))
    return found
