"""citations: CSL-JSON per event for reference managers (Zotero imports it), written with the pages.

``docs/<script>/data/csl/<event>.json`` (``Renderer.csl_file``, one of the pages the generator plans, so it is
written again only when what it shows changes; MkDocs copies it into ``site/<script>/data/csl/``) is a CSL-JSON array: the event itself
(type ``speech``: its participants as authors, its name, place and date), then
each of its paragraphs (type ``speech``: the speaker as author, the first words
as title, all of them as ``abstract``, the event, the source as
``container-title`` and its ``publisher``), in the page's script. Names are
``literal``: a Chinese name has no given/family split a program may guess.
A paragraph's ``URL`` is its short link (generator/shortlinks.py) and the
event's its page, absolute when YANLU_SITE_URL says where the site lives, and
left out otherwise (a relative address means nothing inside a reference
manager). The cite button (templates/assets/yanlu.js) makes the same record
for one paragraph, with the reader's date cited.
"""

from __future__ import annotations

import json

from .render import SCRIPT_DIRS, Renderer, site_address

TITLE_CHARS = 40  # a paragraph's title: its first words (the cite button cuts them the same way)


def date_parts(date: str) -> dict | None:
    """A CSL date from YYYY, YYYY-MM or YYYY-MM-DD; None without one (an event read with no entry has no date)."""
    parts = [int(part) for part in date.split("-") if part.isdigit()] if date else []
    return {"date-parts": [parts]} if parts else None


def short_title(words: str) -> str:
    return words if len(words) <= TITLE_CHARS else words[:TITLE_CHARS] + "…"


def _drop_empty(item: dict) -> dict:
    return {k: v for k, v in item.items() if v not in ("", None, [])}


def event_items(renderer: Renderer, event_id: str, base_url: str) -> list[dict]:
    """The event and each of its paragraphs as CSL-JSON items, in the renderer's script."""
    event = renderer.events[event_id]
    folder = SCRIPT_DIRS[renderer.script]
    name = renderer.event_name(event)
    items = [_drop_empty({
        "id": event.id, "type": "speech", "title": name, "event": name, "event-place": renderer.t(event.place),
        "issued": date_parts(event.date), "author": [{"literal": renderer.name(p.speaker)} for p in event.participants],
        "URL": site_address(base_url, f"{folder}/events/{event.id}/"), "language": renderer.script.value,
        "source": "言录 Yanlu",
    })]
    for p in renderer.by_event[event_id]:
        facts = renderer.cite_facts(p.source)
        words = renderer.text_of(p)
        who = renderer.name(p.speaker)
        items.append(_drop_empty({
            "id": p.id, "type": "speech", "title": short_title(words), "abstract": words, "event": name,
            "event-place": facts["place"], "container-title": facts["title"], "publisher": facts["publisher"],
            "issued": date_parts(event.date), "author": [{"literal": who}] if who else [],
            "URL": site_address(base_url, f"q/#{p.id}"), "language": facts["lang"], "source": "言录 Yanlu",
            "genre": renderer.labels[f"kind_{p.kind.value}"],
        }))
    return items


def csl_json(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
