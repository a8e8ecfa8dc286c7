"""Rendered public pages, kept in the shared cache and dropped the moment something they show changes.

A view says what its page shows with `depends_on(request, *tags)`: the article
(`a:12`), the entities named on it (`e:place:7`), the coverage lists it draws
from (`c:place:7`, an entity's articles; `lists`, the latest articles; `d:2025-03-01`
and the like, the date archives; `i:place`, the index of a kind; `names`, any
entity's name, for feeds that list them). The middleware keeps the page with
its tags and the time its rendering started.

A change names the tags it affects with `invalidate(tags)`, which records the
time against each tag. A kept page is served only if none of its tags changed
after its rendering started, so editing one article drops its own page, its
entities' pages and the lists it is on, and nothing else. The tag times are
written at once and again when the transaction commits: a page rendered from
the old data in between is dropped by the second write.

A scheduled article goes live without any write. The cache keeps the list of
scheduled articles with their tags (`schedule`); when one's time comes, the
first request to notice marks its tags as changed at that time.

A tag time missing from the cache (never written, or evicted) is written as
"changed just before this page": any page kept from before then is dropped.

Only what may be shown to anyone is kept: GET answers of 200 from views that
declared tags, without cookies or private cache headers. Previews and search
are never kept.

Imports models and lib; nothing else in the archive imports it but the settings, the public
views (to declare tags) and apps.ready (to hear of changes).
"""
