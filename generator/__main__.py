"""Command line: ``python -m generator build|export|check``."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from . import pipeline
from .model import YanluError
from .parallel import default_jobs

HELP = {
    "build": "Generate everything MkDocs needs in docs/: the corpus export and the pages.",
    "export": "Write docs/data/corpus.json and docs/data/cleaning-report.json only.",
    "check": "Read and parse every seed and report problems, writing nothing.",
    "site": "Build what is published into site/: both scripts and the root page.",
    "aliases": "After correcting a seed: record in site_config/aliases.yaml where changed paragraphs went.",
    "root": "The project folder (holding seeds/ and site_config/). Default: the current folder.",
    "debug": "Show the Python traceback of an error.",
    "quiet": "Print only errors and the final line.",
    "jobs": "Worker processes for a large build (default: one per core).",
    "show": "How many removals, guesses and conversions to review to list (default 20).",
    "add": "Copy a transcript into seeds/ and write draft entries for it into site_config/, then check it.",
    "file": "The transcript: .txt, .md, .srt or .vtt, in any common encoding.",
    "event": "Id of an event in events.yaml that this transcript reports too (default: a new event).",
}


class ProgressBar:
    """A one-line progress bar on a terminal; silent otherwise (CI logs stay readable)."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.active = stream.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.active:
            return
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\r{stage:<8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def summary(result: pipeline.Build) -> str:
    corpus = result.corpus
    names = {s.id: s.name for s in corpus.speakers}
    lines = []
    for event in sorted(corpus.events, key=lambda e: (e.date, e.id)):
        paragraphs = [p for p in corpus.paragraphs if p.event == event.id]
        lines.append(f"{event.date or '????'}  {event.id}: {len(event.sources)} source(s), {len(paragraphs)} paragraphs")
        per_speaker = Counter(p.speaker for p in paragraphs if p.speaker)
        lines.append("    " + ", ".join(f"{names[s]} ({s}) {n}" for s, n in sorted(per_speaker.items())))
    for outline in (r.outline for r in result.results):
        lines.append(f"seeds/{outline.seed}: read as '{outline.layout.value}', {len(outline.labels)} speaker label(s)")
    removed = [r for r in corpus.removals if r.whole_line]
    rules = Counter(r.rule for r in corpus.removals)
    lines.append(
        f"Cleaned {len(result.results)} transcripts: kept {len(corpus.paragraphs)} paragraphs, removed "
        f"{len(removed)} lines and {sum(not r.whole_line for r in corpus.removals)} in-line items "
        f"({', '.join(f'{k} {v}' for k, v in sorted(rules.items()))}); see docs/data/cleaning-report.json"
    )
    for flag in corpus.flags:
        lines.append(f"Check: seeds/{flag.seed}, line {flag.line}: {flag.rule} '{flag.text}' ({flag.reason})")
    for warning in corpus.warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines)


def decisions(result: pipeline.Build, show: int, seeds: set[str] | None = None) -> list[str]:
    """The first removals and guesses, as `check` and `add` print them (the report may not exist yet)."""
    picked = [r for r in result.corpus.removals if (r.whole_line or r.rule == "heading")
              and (seeds is None or r.seed in seeds)]
    lines = [f"{'Guessed' if r.rule == 'heading' else 'Removed'}: seeds/{r.seed}, line {r.line} ({r.rule}): "
             f"{r.text[:60]!r} — {r.reason}" for r in picked[:show]]
    if len(picked) > show:
        lines.append(f"… and {len(picked) - show} more removals and guesses (--show N for more; all are in "
                     "docs/data/cleaning-report.json after a build)")
    return lines


def add_common_options(parser: argparse.ArgumentParser) -> None:
    # Unset options stay unset (SUPPRESS), so one given before the command is not reset after it.
    parser.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=HELP["root"])
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=HELP["debug"])
    parser.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS, help=HELP["quiet"])
    parser.add_argument("--jobs", type=int, default=argparse.SUPPRESS, help=HELP["jobs"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Yanlu (言录) site generator.")
    add_common_options(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "export", "check", "site", "aliases", "add"):
        sub = commands.add_parser(name, help=HELP[name], description=HELP[name])
        # Accepted after the command too (`build --root DIR`); given before it, they are kept.
        add_common_options(sub)
        if name in ("check", "add"):
            sub.add_argument("--show", type=int, default=20, help=HELP["show"])
        if name == "add":
            sub.add_argument("file", type=Path, help=HELP["file"])
            sub.add_argument("--event", default=None, help=HELP["event"])
    args = argparse.Namespace(root=None, debug=False, quiet=False, jobs=None)
    parser.parse_args(argv, namespace=args)
    jobs = args.jobs or default_jobs()

    project = pipeline.Project((args.root or Path.cwd()).resolve())
    started = time.perf_counter()
    bar = ProgressBar()
    try:
        if args.command == "aliases":
            added, unmatched = pipeline.update_aliases(project)
            for old, new, score in added:
                print(f"{old} → {new} ({score:.0%} alike): added to site_config/aliases.yaml")
            for paragraph in unmatched:
                print(f"{paragraph['id']} (seeds/{paragraph['seed']}, line {paragraph['lines'][0]}) was removed; "
                      "links to it will show a notice")
            print(f"Recorded {len(added)} alias(es); {len(unmatched)} paragraph(s) removed. Now run `python -m generator build`.")
            return 0
        if args.command == "add":
            from .add import add
            added = add(project.root, args.file.resolve(), args.event)
            print(f"Copied the transcript to seeds/{added.seed.name}; wrote source '{added.source_id}' and event "
                  f"'{added.event_id}' into site_config/" + (f", new speakers {', '.join(added.new_speakers)}"
                                                             if added.new_speakers else "")
                  + (f", reusing {', '.join(added.reused_speakers)}" if added.reused_speakers else "") + ".")
            for what in added.guessed:
                print(f"Guessed: {what}. Review it in site_config/.")
            result = pipeline.build_corpus(project, bar, write_cache=False, jobs=jobs)
        elif args.command == "check":
            result = pipeline.build_corpus(project, bar, write_cache=False, jobs=jobs)
        elif args.command == "site":
            from .publish import publish
            result = publish(project, jobs=jobs)
        elif args.command == "export":
            result = pipeline.export(project, bar, jobs=jobs)
        else:
            result = pipeline.build(project, bar, jobs=jobs)
    except YanluError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"Error: {exc.message}", file=sys.stderr)
        print("Nothing was written; the previous output is unchanged.", file=sys.stderr)
        return 1
    if not args.quiet:
        print(summary(result))
    if args.command in ("check", "add"):
        only = {args.file.name} if args.command == "add" else None
        for line in decisions(result, args.show, only):
            print(line)
    if args.command in ("check", "add"):
        from .convert import converter_for, review
        findings = review(result.corpus, converter_for(result.config))
        for paragraph_id, why in findings[:args.show]:
            print(f"Review conversion: {paragraph_id}: {why}")
        print(f"{len(findings)} paragraph conversion(s) to review"
              + (f" ({args.show} shown; --show N for more)" if len(findings) > args.show else ""))
    elapsed = time.perf_counter() - started
    verb = {"check": "Checked", "export": "Exported", "build": "Built", "site": "Published", "add": "Checked"}[args.command]
    print(f"{verb} {len(result.corpus.paragraphs)} paragraphs from {len(result.results)} transcripts in {elapsed:.2f} seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
