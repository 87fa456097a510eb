"""README stays true: the schema block is current and the commands are there."""

from __future__ import annotations

from conftest import ROOT
from generator.config import describe_schema


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_site_config_schema_is_current():
    text = readme()
    block = text[text.index("<!-- schema:start -->\n") + len("<!-- schema:start -->\n"):text.index("<!-- schema:end -->")]
    assert block == describe_schema(), "regenerate the README block from generator.config.describe_schema()"


def test_readme_shows_the_two_commands_and_every_cli_command():
    text = readme()
    for command in ("make serve", "make test", "python -m generator build", "python -m generator export",
                    "python -m generator check"):
        assert command in text
