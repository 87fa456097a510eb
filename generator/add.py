"""``python -m generator add FILE``: a transcript into seeds/, with draft entries in site_config/.

The editor's work becomes reviewing, not authoring: the file is copied into
seeds/ as UTF-8 under its own name; what the text says about itself (title,
date, url, publisher, script, speakers and their roles; ``discover``) becomes
a source, an event and speakers, appended to the YAML files with a comment on
every value that was guessed. Existing speakers are reused by name or alias.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .config import FILES, SiteConfig, is_reserved, load_config, yaml_value
from .convert import converter_for
from .discover import Reading, Voice, read_seed_itself
from .model import YanluError
from .read import FORMATS, _guess_encoding, decode, read_seed


@dataclass(frozen=True)
class Added:
    """What ``add`` wrote, for the message."""

    seed: Path
    source_id: str
    event_id: str
    new_speakers: tuple[str, ...]
    reused_speakers: tuple[str, ...]
    guessed: tuple[str, ...]


def _slug(text: str, prefix: str) -> str:
    """An id from text: its Latin letters and digits, or a short digest when it has none (Chinese names)."""
    latin = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    if len(latin) >= 3 and re.search(r"[a-z]", latin):  # digits alone ("2026") say nothing of the text
        return latin
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}"


def _unique(wanted: str, taken: set[str], key: str) -> str:
    """``wanted``, or with a number after it, so that it is no id ``taken`` nor one the site reserves."""
    candidate, n = wanted, 2
    while candidate in taken or is_reserved(key, candidate):
        candidate, n = f"{wanted}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _value(value) -> str:
    """A YAML scalar that holds exactly this text: JSON's quoting is valid YAML."""
    return yaml_value(value)  # JSON, with what YAML reads as a line break (U+0085, U+2028 …) escaped too


def _copy_as_utf8(file: Path, seeds: Path) -> Path:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise YanluError(str(file), f"cannot be read ({exc.strerror})", "Check the path and that the file is readable.")
    if file.suffix.lower() not in FORMATS:
        raise YanluError(str(file), f"is not a transcript format Yanlu reads ({', '.join(sorted(FORMATS))})",
                         "Save it as plain text (.txt), Markdown (.md) or subtitles (.srt, .vtt) first.")
    try:
        text, _ = decode(data, str(file))
    except YanluError:
        guess = _guess_encoding(data)
        if guess is None:
            raise
        text, _ = decode(data, str(file), guess)
    target = seeds / file.name
    if target.exists() and target.resolve() != file.resolve():
        raise YanluError(f"seeds/{file.name}", "already exists", "Rename the new file, or remove the old one first.")
    seeds.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_text(text, encoding="utf-8")
    return target


def _existing_speaker(config: SiteConfig, voice: Voice) -> str | None:
    for speaker in config.speakers:
        if voice.label in (speaker.name, speaker.name_hant, *speaker.aliases):
            return speaker.id
    return None


def _append(path: Path, key: str, text: str) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else f"{key}:\n"
    if re.search(rf"^{key}:\s*\[\]\s*$", current, re.M):
        current = re.sub(rf"^{key}:\s*\[\]\s*$", f"{key}:", current, flags=re.M)
    path.write_text(current.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def _add_to_event(path: Path, event_id: str, source_id: str, participants: list[str]) -> None:
    """Add a source (and participants) to an event already in events.yaml, editing its lines in place."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(rf"^\s*-\s*id:\s*['\"]?{re.escape(event_id)}['\"]?\s*$", line)), None)
    if start is None:
        raise YanluError("site_config/events.yaml", f"event '{event_id}' is not written as '- id: {event_id}' on a line of its own",
                         f"Add '{source_id}' to its sources by hand.")
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^\s*-\s*id:", lines[i])), len(lines))
    for i in range(start, end):
        flow = re.match(r"^(\s*sources:\s*\[)(.*)\]\s*$", lines[i])
        if flow:
            items = [x for x in (flow.group(2).strip(), source_id) if x]
            lines[i] = f"{flow.group(1)}{', '.join(items)}]"
            break
    else:
        raise YanluError("site_config/events.yaml", f"event '{event_id}' has no 'sources: [...]' line to extend",
                         f"Add '{source_id}' to its sources by hand.")
    roster = next((i for i in range(start, end) if re.match(r"^\s*participants:\s*$", lines[i])), None)
    if roster is not None:
        indent = "      "
        for offset, entry in enumerate(participants):
            lines.insert(roster + 1 + offset, f"{indent}- {entry}")
    path.write_text("\n".join(lines), encoding="utf-8")


def add(root: Path, file: Path, event: str | None = None) -> Added:
    """Copy ``file`` into seeds/ and write draft entries for it; raise YanluError on what it cannot do."""
    site_config = root / "site_config"
    config = load_config(site_config, root / "seeds")
    seed = _copy_as_utf8(file, root / "seeds")
    if config.source_for_seed(seed.name):
        raise YanluError(f"seeds/{seed.name}", "is already a source in site_config/sources.yaml",
                         "Edit its entry there instead, or remove it first.")
    raw = read_seed(seed)
    converter = converter_for(config)
    reading: Reading = read_seed_itself(raw, converter.hans)
    taken = {e.id for e in config.sources} | {e.id for e in config.events} | {s.id for s in config.speakers}
    source_id = _unique(_slug(seed.stem, "source"), taken, "sources")
    guessed = list(reading.guessed)

    participants, new_speakers, reused = [], [], []
    speaker_lines = []
    ids: dict[Voice, str] = {}
    for voice in reading.voices:
        existing = _existing_speaker(config, voice)
        if existing:
            ids[voice] = existing
            reused.append(existing)
        else:
            ids[voice] = _unique(_slug(voice.label, "speaker"), taken, "speakers")
            new_speakers.append(ids[voice])
            speaker_lines.append(f"  - id: {ids[voice]}  # guessed from the label '{voice.label}'\n"
                                 f"    name: {_value(voice.label)}\n"
                                 + (f"    aliases: {_value(list(voice.aliases))}\n" if voice.aliases else ""))
        entry = f"{{speaker: {ids[voice]}, role: {voice.role}"
        entry += f", affiliation: {_value(voice.note)}}}" if voice.note else "}"
        participants.append(entry + f"  # role guessed from {voice.turns} turn(s)")
    hosts = [ids[v] for v in reading.voices if v.role in ("moderator", "host")]
    one_voice = ids[reading.voices[0]] if len(reading.voices) == 1 and not reading.voices[0].turns else None

    date = reading.date
    if not date:
        date = datetime.date.fromtimestamp(file.stat().st_mtime).isoformat()
        guessed.append("date (the file's date: the text gives none)")
    source_lines = [f"  - id: {source_id}", f"    seed: {_value(seed.name)}"]
    if event and event in {e.id for e in config.events}:
        event_id = event
    else:
        event_id = event or _unique(_slug(f"{seed.stem}-{date[:4]}", "event"), taken, "events")
    source_lines += [f"    event: {event_id}",
                     f"    title: {_value(reading.title)}" + ("  # guessed: the first line" if "title" in guessed else ""),
                     f"    script: {reading.script}  # guessed from the characters"]
    if reading.publisher:
        source_lines.append(f"    publisher: {_value(reading.publisher)}")
    if reading.url:
        source_lines.append(f"    url: {_value(reading.url)}" + ("  # guessed: first address in the text" if "url" in guessed else ""))
    source_lines.append("    statements_are_speech: true")
    if one_voice:
        source_lines.append(f"    speaker: {one_voice}  # the one voice the text names")
    _append(site_config / FILES["sources"], "sources", "\n".join(source_lines) + "\n")
    if speaker_lines:
        _append(site_config / FILES["speakers"], "speakers", "".join(speaker_lines))
    if event_id == event and event in {e.id for e in config.events}:
        known = {p.speaker for p in config.event(event).participants}
        _add_to_event(site_config / FILES["events"], event, source_id,
                      [p for p, v in zip(participants, reading.voices) if ids[v] not in known])
    else:
        event_lines = [f"  - id: {event_id}", f"    name: {_value(reading.title)}  # guessed: the title",
                       f"    date: {date}" + ("  # guessed" if "date" in " ".join(guessed) else "")]
        if len(hosts) == 1:
            event_lines.append(f"    moderator: {hosts[0]}")
        event_lines.append("    participants:" if participants else "    participants: []")
        event_lines += [f"      - {p}" for p in participants]
        event_lines.append(f"    sources: [{source_id}]")
        _append(site_config / FILES["events"], "events", "\n".join(event_lines) + "\n")
    return Added(seed, source_id, event_id, tuple(new_speakers), tuple(reused), tuple(guessed))
