"""match: paragraphs of different sources of one event that report the same statement.

Runs after link and convert, before render: two outlets' reports of one panel
quote the same answer in different words, cut and order (verbatim in one,
paraphrased in the other, in another script). For every paragraph of a
speaker, the most alike paragraph of the same speaker in each other source of
the event is its counterpart there, when they are alike enough.

Likeness is rapidfuzz's ``partial_ratio`` (the best alignment of the shorter
text inside the longer: one outlet often quotes a part of what the other
gives whole) over both texts normalised to the same script (the Simplified
text the convert stage made with the project's converter), lower-cased, with
the event's participants' names and every character that is not a letter or
a digit taken out (reporting frames such as 王小川认为， add likeness to every
pair of one speaker's paragraphs). Measured on seeds 000/001 against the
hand-checked list (tests/test_match.py prints the figures), each measure with
its threshold set as below: character-bigram overlap (no library) reaches 80 %
precision and 80 % recall, ``partial_ratio`` 100 % and 93 %.

``THRESHOLD`` is not fitted to the true pairs: it is the 95th percentile of
the same score between paragraphs of *different* events by the same speaker,
which cannot report one statement, as measured on the seeds when every
candidate was compared (with the ``CANDIDATES`` limit 3.8 % of those best
counterparts reach it; tests/test_match.py recomputes the rate and requires
at most 5 %). The editor confirms or rejects a pair in site_config/matches.yaml.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import replace

from rapidfuzz import fuzz

from .cache import made_afresh
from .config import SiteConfig
from .model import Corpus, Kind, Paragraph, YanluError, YanluErrors

# A best counterpart at least this alike is the same statement (see the module docstring: the 95th
# percentile of best-counterpart scores across different events, where no pair can be true).
THRESHOLD = 0.32
# Texts shorter than this (after normalising) say too little to tell one statement from another (对。谢谢。).
MIN_CHARS = 8
# Each paragraph's likeness is computed only with this many paragraphs of the other source (those sharing the
# most character pairs with it): no paragraph of seeds 000/001 has more candidates, so there it changes nothing.
CANDIDATES = 8
MATCHED_KINDS = (Kind.SPEECH, Kind.QUESTION)  # a highlight is the editor's summary, narration nobody's words


def normalised(text: str, names: tuple[str, ...] = ()) -> str:
    """A paragraph's Simplified text as matching compares it: lower case, without the given names,
    letters and digits only."""
    text = text.lower()
    for name in names:  # longest first, so 张鹏 goes before a one-character alias could split it
        text = text.replace(name, "")
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def likeness(a: str, b: str) -> float:
    """How alike two normalised texts are, 0–1: the best alignment of the shorter inside the longer."""
    if len(a) < MIN_CHARS or len(b) < MIN_CHARS:
        return 0.0
    return fuzz.partial_ratio(a, b) / 100


def participant_names(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """event id → the lower-cased names of its participants, longest first."""
    speakers = {s.id: s for s in corpus.speakers}
    names = {}
    for event in corpus.events:
        forms = {form.lower() for p in event.participants if p.speaker in speakers
                 for form in (speakers[p.speaker].name, speakers[p.speaker].name_hant, *speakers[p.speaker].aliases)
                 if len(form) >= 2}
        names[event.id] = tuple(sorted(forms, key=lambda f: (-len(f), f)))
    return names


def best_counterparts(paragraphs: list[Paragraph], texts: dict[str, str],
                      alike=None) -> dict[tuple[str, str], tuple[float, str]]:
    """(paragraph id, other source) → (likeness, id) of its most alike paragraph by the same speaker in
    that source, for paragraphs of one event (or any set: the test uses other events as the null)."""
    by_place: dict[tuple[str, str], list[Paragraph]] = defaultdict(list)
    for p in paragraphs:
        by_place[(p.source, p.speaker)].append(p)
    sources = sorted({p.source for p in paragraphs})
    alike = alike or likeness
    grams = {p.id: _bigrams(texts[p.id]) for p in paragraphs}
    best = {}
    for p in paragraphs:
        for other in sources:
            if other == p.source:
                continue
            candidates = _likeliest(grams, p.id, by_place.get((other, p.speaker), ()))
            scored = [(alike(texts[p.id], texts[q.id]), q.id) for q in candidates]
            if scored:
                best[(p.id, other)] = max(scored, key=lambda s: s[0])  # a tie: the first in source order
    return best


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _likeliest(grams: dict[str, frozenset[str]], pid: str, candidates) -> list[Paragraph]:
    """The ``CANDIDATES`` paragraphs sharing most character pairs with ``pid``, in source order: ``partial_ratio``
    on Chinese text costs about 0.3 ms a pair, so two 300-paragraph reports of one speech would take a minute
    compared all against all; a paragraph that shares few pairs is never the best counterpart anyway."""
    candidates = list(candidates)
    if len(candidates) <= CANDIDATES:
        return candidates
    mine = grams[pid]
    shared = [len(mine & grams[q.id]) for q in candidates]
    order = sorted(range(len(candidates)), key=lambda n: (-shared[n], n))
    return [candidates[n] for n in sorted(order[:CANDIDATES])]


def matchable(p: Paragraph) -> bool:
    return p.speaker is not None and p.kind in MATCHED_KINDS


def found_pairs(corpus: Corpus, alike=None, threshold: float = THRESHOLD, groups=None,
                reuse=None) -> set[tuple[str, str]]:
    """Pairs of ids (sorted) that report one statement, as likeness finds them (``alike`` and
    ``threshold``: another measure, for the test that compares them). ``groups``: the corpus's paragraphs
    source by source, in its order; with ``reuse`` (cache.Session.reuse, in a long-lived process) an
    event is compared again only when its paragraphs or its participants' names are not last build's."""
    reuse = reuse or made_afresh
    names = reuse("match: names", (corpus.events, corpus.speakers), lambda: participant_names(corpus))
    by_event: dict[str, list[Paragraph]] = defaultdict(list)
    for paragraphs in (groups if groups is not None else [corpus.paragraphs]):
        if paragraphs:
            grouped = reuse(f"match: source {paragraphs[0].source}", (paragraphs,), lambda: _matchable_by_event(paragraphs))
            for event_id, its in grouped.items():
                by_event[event_id].extend(its)
    pairs = set()
    for event_id, paragraphs in by_event.items():
        event_names = names.get(event_id, ())
        pairs |= reuse(f"match: event {event_id}", (event_names, paragraphs, alike, threshold),
                       lambda: _pairs_of_event(paragraphs, event_names, alike, threshold))
    return pairs


def _matchable_by_event(paragraphs) -> dict[str, list[Paragraph]]:
    by_event: dict[str, list[Paragraph]] = {}
    for p in paragraphs:
        if matchable(p):
            by_event.setdefault(p.event, []).append(p)
    return by_event


def _pairs_of_event(paragraphs: list[Paragraph], names: tuple[str, ...], alike, threshold: float) -> frozenset:
    if len({p.source for p in paragraphs}) < 2:
        return frozenset()
    texts = {p.id: normalised(p.hans, names) for p in paragraphs}
    return frozenset(tuple(sorted((pid, qid))) for (pid, _other), (score, qid)
                     in best_counterparts(paragraphs, texts, alike).items() if score >= threshold)


def decided(config: SiteConfig, corpus: Corpus, pairs: set[tuple[str, str]]) -> tuple[set[tuple[str, str]], list[YanluError]]:
    """The pairs after the editor's verdicts in matches.yaml, and the problems with those verdicts."""
    pairs, errors = set(pairs), []
    if not config.matches:
        return pairs, errors
    by_id = {p.id: p for p in corpus.paragraphs}
    aliases = dict(corpus.aliases)
    for entry in config.matches:
        a, b = aliases.get(entry.a, entry.a), aliases.get(entry.b, entry.b)  # a corrected paragraph keeps its verdict
        missing = [pid for pid in (a, b) if pid not in by_id]
        if missing:
            errors.append(YanluError(entry.file, f"paragraph {missing[0]} does not exist", "Copy the id from the "
                                     "paragraph's #q-… link on its event page, or remove this entry.", entry.line))
            continue
        if by_id[a].source == by_id[b].source or by_id[a].event != by_id[b].event:
            errors.append(YanluError(entry.file, f"{a} and {b} are not from two sources of one event",
                                     "A match pairs paragraphs of two different sources that report the same event.",
                                     entry.line))
            continue
        pair = tuple(sorted((a, b)))
        if entry.same:
            pairs.add(pair)
        else:
            pairs.discard(pair)
    return pairs, errors


def match(corpus: Corpus, config: SiteConfig, groups=None, reuse=None) -> Corpus:
    """The corpus with ``also_reported``: each paragraph's counterparts in the event's other sources
    (``groups`` and ``reuse``: see ``found_pairs``)."""
    pairs, errors = decided(config, corpus, found_pairs(corpus, groups=groups, reuse=reuse))
    if errors:
        raise YanluErrors(errors)
    others: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        others[a].add(b)
        others[b].add(a)
    return replace(corpus, also_reported=tuple(sorted((pid, tuple(sorted(ids))) for pid, ids in others.items())))
