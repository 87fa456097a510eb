"""Command line: ``python -m generator build|export|check``."""

from __future__ import annotations

import argparse
import errno
import fcntl
import os
import sys
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from . import ids, pipeline
from .model import YanluError
from .parallel import default_jobs
from .read import seed_files

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
    "serve": "Preview both scripts at http://127.0.0.1:PORT/, rebuilt on every save (Ctrl+C stops).",
    "port": "The preview's port (default 8000).",
    "host": "The address the preview listens on (default 127.0.0.1; 0.0.0.0 for other machines).",
    "event": "Id of an event in events.yaml that this transcript reports too (default: a new event).",
}


LOCK = ".yanlu.lock"  # in the project folder (gitignored): one writing run at a time
WRITING = ("build", "export", "site", "aliases", "add")
SEED_WARN_BYTES = 5_000_000  # a real transcript is well under 1 MB
SEED_REFUSE_BYTES = 20_000_000  # one such seed took 4 GB of memory and MkDocs half an hour on its page


@contextmanager
def project_lock(root: Path, quiet: bool = False):
    """Hold the project's lock while a command writes docs/, site/ or site_config/: a second run in
    the same folder waits for the first to finish instead of writing between its files."""
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Waiting: another `python -m generator` run is writing in {root} (it holds {LOCK}); "
                  "this one starts when it is done …", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _shown_path(path: str | os.PathLike | None, root: Path) -> str:
    if not path:
        return ""
    path = Path(os.fsdecode(path))
    try:
        return str(path.resolve().relative_to(root)) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


def os_error(exc: OSError, root: Path) -> str:
    """An operating-system error as an editor's message: the path, what happened, the fix."""
    path = _shown_path(exc.filename, root) or "(a file)"
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC) and exc.filename \
            and not os.path.lexists(exc.filename):  # a file being made (a temporary one): name its folder
        path = _shown_path(os.path.dirname(os.fsdecode(exc.filename)), root) or "."
    if code in (errno.EACCES, errno.EPERM):
        fix = (f"Give yourself permission to write there (`ls -ld {path}` shows who may; `chmod -R u+rwX {path}` "
               "if it is yours), or run from a copy of the project that you own.")
    elif code == errno.EROFS:
        fix = "That file system is read-only: run from a copy of the project on a writable disk (--root DIR)."
    elif code == errno.ENOTDIR:
        blocking = next((p for p in [Path(os.fsdecode(exc.filename)), *Path(os.fsdecode(exc.filename)).parents]
                         if p.exists() and not p.is_dir()), None) if exc.filename else None
        what = _shown_path(blocking, root) if blocking else path
        fix = f"A file stands where a folder should be: move or delete {what}, and run the command again."
    elif code == errno.EISDIR:
        fix = f"A folder stands where a file should be: move or delete {path}, and run the command again."
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        fix = "The disk is full: free some space (`df -h .` shows how much is left) and run the command again."
    elif code == errno.ENOENT:
        fix = f"Check that {path} exists (was it moved or deleted while the command ran?)."
    else:
        fix = "Check the path and the disk, and run the command again (--debug shows where it happened)."
    return f"{path}: {exc.strerror or exc}\n  Fix: {fix}"


def seed_size_warnings(project: pipeline.Project) -> list[str]:
    """Seeds far larger than a transcript: said at the start, before a long build; refused when
    no transcript could be that long (the build would take gigabytes and MkDocs half an hour)."""
    warnings = []
    for path in seed_files(project.seeds)[0]:
        size = path.stat().st_size
        if size > SEED_REFUSE_BYTES:
            raise YanluError(f"seeds/{path.name}", f"is {size / 1e6:.1f} MB; no transcript is that long (the limit is "
                                                   f"{SEED_REFUSE_BYTES / 1e6:.0f} MB, today's largest seed is under 0.1 MB)",
                             "Check that it is the transcript you meant (not a whole web site, a log or a data dump), "
                             "or split it into several seeds, one source each.")
        if size > SEED_WARN_BYTES:
            warnings.append(f"Warning: seeds/{path.name} is {size / 1e6:.1f} MB, far more than a transcript (today's "
                            "largest is under 0.1 MB): building it takes long and its page may be refused. Check that "
                            "it is one transcript, or split it into several seeds.")
    return warnings


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
    for name in ("build", "export", "check", "site", "aliases", "add", "serve"):
        sub = commands.add_parser(name, help=HELP[name], description=HELP[name])
        # Accepted after the command too (`build --root DIR`); given before it, they are kept.
        add_common_options(sub)
        if name in ("check", "add"):
            sub.add_argument("--show", type=int, default=20, help=HELP["show"])
        if name == "add":
            sub.add_argument("file", type=Path, help=HELP["file"])
            sub.add_argument("--event", default=None, help=HELP["event"])
        if name == "serve":
            sub.add_argument("--port", type=int, default=8000, help=HELP["port"])
            sub.add_argument("--host", default="127.0.0.1", help=HELP["host"])
    args = argparse.Namespace(root=None, debug=False, quiet=False, jobs=None)
    parser.parse_args(argv, namespace=args)
    jobs = args.jobs or default_jobs()

    project = pipeline.Project((args.root or Path.cwd()).resolve())
    started = time.perf_counter()
    bar = ProgressBar()
    unchanged = "site/ is unchanged." if args.command == "site" else "Nothing was written; the previous output is unchanged."
    try:
        if not project.root.is_dir():
            raise YanluError(str(project.root), "is not a folder", "Give --root the project folder (it holds seeds/ and site_config/).")
        for warning in seed_size_warnings(project):
            print(warning, file=sys.stderr, flush=True)
        if args.command == "serve":  # runs until interrupted; each rebuild takes the lock
            from .serve import serve
            serve(project, args.host, args.port, lock=lambda: project_lock(project.root))
            return 0
        with project_lock(project.root) if args.command in WRITING else _no_lock():
            result = _run(args, project, bar, jobs)
    except YanluError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"Error: {exc.message}", file=sys.stderr)
        print(unchanged, file=sys.stderr)
        return 1
    except OSError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"Error: {os_error(exc, project.root)}", file=sys.stderr)
        print("site/ is unchanged." if args.command == "site" else
              "Files written before the error are complete; run the command again once it is fixed.", file=sys.stderr)
        return 1
    if result is None:  # aliases: said what it did
        return 0
    if not args.quiet:
        print(summary(result))
    else:  # a published link that would break is never hidden (generator/ids.py)
        for warning in result.corpus.warnings:
            if warning.startswith(ids.VANISHED):
                print(f"Warning: {warning}", file=sys.stderr)
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


@contextmanager
def _no_lock():
    yield


def _run(args: argparse.Namespace, project: pipeline.Project, bar: ProgressBar, jobs: int) -> pipeline.Build | None:
    """The command itself; None for aliases, which prints its own report."""
    if args.command == "aliases":
        added, unmatched = pipeline.update_aliases(project)
        for old, new, score in added:
            print(f"{old} → {new} ({score:.0%} alike): added to site_config/aliases.yaml with today's date and the "
                  "earlier words (the event page shows them as a correction)")
        for paragraph in unmatched:
            print(f"{paragraph['id']} (seeds/{paragraph['seed']}, line {paragraph['lines'][0]}) was removed; "
                  "links to it will show a notice")
        print(f"Recorded {len(added)} alias(es); {len(unmatched)} paragraph(s) removed. Now run `python -m generator build`.")
        return None
    if args.command == "add":
        from .add import add
        added = add(project.root, args.file.resolve(), args.event)
        print(f"Copied the transcript to seeds/{added.seed.name}; wrote source '{added.source_id}' and event "
              f"'{added.event_id}' into site_config/" + (f", new speakers {', '.join(added.new_speakers)}"
                                                         if added.new_speakers else "")
              + (f", reusing {', '.join(added.reused_speakers)}" if added.reused_speakers else "") + ".")
        for what in added.guessed:
            print(f"Guessed: {what}. Review it in site_config/.")
        return pipeline.build_corpus(project, bar, write_cache=False, jobs=jobs)
    if args.command == "check":
        return pipeline.build_corpus(project, bar, write_cache=False, jobs=jobs)
    if args.command == "site":
        from .publish import publish
        say = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr, flush=True))
        return publish(project, jobs=jobs, say=say)
    if args.command == "export":
        return pipeline.export(project, bar, jobs=jobs)
    return pipeline.build(project, bar, jobs=jobs)


if __name__ == "__main__":
    sys.exit(main())
