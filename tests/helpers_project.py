"""Helpers for tests that copy the project, break one input and look at what the editor is told.

Plain functions, not fixtures, so they do not collide with tests/conftest.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
CONFIG_DIR = ROOT / "site_config"


def seed_name(prefix: str) -> str:
    """The file name of the seed whose name starts with ``prefix`` ('003' → '003_dc7046a9a6216149.txt')."""
    (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
    return path.name


def copy_project(dest: Path) -> Path:
    """Copy seeds/ and site_config/ into ``dest`` (created if needed); return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SEEDS_DIR, dest / "seeds")
    shutil.copytree(CONFIG_DIR, dest / "site_config")
    return dest


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a UTF-8 file in place; fail loudly if ``old`` is not there (the fixture went stale)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    """1-based number of the first line of a UTF-8 file containing ``fragment``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not found in {path}")


def seed_lines(prefix: str, first: int, last: int) -> list[str]:
    """Lines ``first``..``last`` (1-based, inclusive) of a real seed, as a legacy-encoded copy would hold them.

    No-break spaces become spaces and trailing blanks go: a file saved as GBK
    or Big5 cannot hold U+00A0.
    """
    lines = (SEEDS_DIR / seed_name(prefix)).read_text(encoding="utf-8").splitlines()[first - 1 : last]
    return [line.replace("\u00a0", " ").rstrip() for line in lines]


def simplified_paragraph() -> list[str]:
    """Simplified Chinese prose from the 云栖大会 transcript (seed 004, lines 60-80)."""
    return seed_lines("004", 60, 80)


def traditional_paragraph() -> list[str]:
    """Traditional Chinese prose from the 北京商报 article (seed 001, lines 1-20)."""
    return seed_lines("001", 1, 20)


def legacy_copy_of_seed(path: Path, codec: str) -> str:
    """Re-save a UTF-8 seed in ``codec`` (what an editor's old tool would do); return the text encoded.

    Characters the codec cannot hold (NBSP, ©) are replaced the way such a
    tool would: NBSP by a space, © by (c).
    """
    text = path.read_text(encoding="utf-8").replace("\u00a0", " ").replace("©", "(c)")
    path.write_bytes(text.encode(codec))
    return text


def run_cli(root: Path, *args: str, timeout: float = 120, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m generator --root ROOT args…`` from inside ``root``, as an editor would."""
    env = {**os.environ, **(extra_env or {})}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )


def error_places(message: str) -> list[tuple[str, int | None]]:
    """Every 'file, line N:' (or 'file:') that starts an error in a YanluErrors message."""
    places = []
    for line in message.splitlines():
        if line.startswith("  Fix:"):
            continue
        match = re.match(r"^(?:Error: )?(\S+?)(?:, line (\d+))?: ", line)
        if match:
            places.append((match.group(1), int(match.group(2)) if match.group(2) else None))
    return places
