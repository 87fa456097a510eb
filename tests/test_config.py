"""config: what an editor is told when site_config/ has a mistake in it.

Each test copies the real site_config/ and seeds/, breaks one thing (or
several), and checks the message: the file, the line, what is wrong, the fix.
"""

from __future__ import annotations

import pytest

from generator.config import load_config
from generator.model import YanluErrors
from helpers_project import copy_project, error_places, line_of, replace_in

RICHARD = "    name_hant: Richard\n"
YANG_AT_BAAI = "{speaker: yang-zhilin, role: panelist, affiliation: 月之暗面, title: CEO}"
BBTNEWS_EVENT = "    seed: 001_916f3dda478f6c1c.txt\n    event: baai-2024-peak-dialogue\n"


@pytest.fixture
def root(tmp_path):
    """A copy of the project whose site_config/ a test may break."""
    return copy_project(tmp_path / "project")


def config_file(root, name):
    return root / "site_config" / name


def load(root):
    return load_config(root / "site_config", root / "seeds")


def refusal(root) -> YanluErrors:
    with pytest.raises(YanluErrors) as caught:
        load(root)
    return caught.value


def fix_of(error) -> str:
    return error.message.split("\n  Fix: ", 1)[1]


def test_the_real_site_config_loads_without_errors(root):
    config = load(root)
    assert {e.id for e in config.events} >= {"baai-2024-peak-dialogue", "fan-talk-2024-li-dahai"}
    assert config.source_for_seed("003_dc7046a9a6216149.txt").event == "fan-talk-2024-li-dahai"


# ------------------------------------------------------------------ YAML syntax


def test_unclosed_bracket_in_speakers_yaml_names_the_file_the_line_and_a_hint(root):
    speakers = config_file(root, "speakers.yaml")
    replace_in(speakers, RICHARD, RICHARD + "    aliases: [Richard, 百川\n")
    opened = line_of(speakers, "aliases: [Richard, 百川")
    errors = refusal(root)
    (error,) = errors.errors
    assert error.where == "site_config/speakers.yaml"
    # YAML notices the missing ']' on the line with the bracket or the next one; either is where to look.
    assert error.line in (opened, opened + 1)
    assert error.message.startswith(f"site_config/speakers.yaml, line {error.line}: this is not valid YAML")
    assert "Check indentation" in fix_of(error)


def test_tab_indent_in_speakers_yaml_names_the_file_the_line_and_says_spaces_not_tabs(root):
    speakers = config_file(root, "speakers.yaml")
    replace_in(speakers, "    name: 王小川", "\tname: 王小川")
    tab_line = line_of(speakers, "\tname: 王小川")
    (error,) = refusal(root).errors
    assert error.message.startswith(f"site_config/speakers.yaml, line {tab_line}: this is not valid YAML")
    assert "tab" in fix_of(error)


def test_tab_indent_gets_the_tab_specific_fix(root):
    # config.load_yaml has a dedicated hint for tabs; it should be the one shown when a tab breaks the file.
    replace_in(config_file(root, "speakers.yaml"), "    name: 王小川", "\tname: 王小川")
    (error,) = refusal(root).errors
    assert fix_of(error) == "Replace the tab characters with spaces."


def test_missing_space_after_colon_is_reported_with_its_line(root):
    speakers = config_file(root, "speakers.yaml")
    replace_in(speakers, "    name: 王小川", "    name:王小川")
    (error,) = refusal(root).errors
    assert error.message.startswith("site_config/speakers.yaml, line ")
    assert error.line in (line_of(speakers, "name:王小川"), line_of(speakers, "name:王小川") + 1)
    assert "space after the colon" in fix_of(error)


# ------------------------------------------------------------------ keys and fields


def test_misspelt_aliases_key_is_named_with_its_line_and_a_suggestion(root):
    speakers = config_file(root, "speakers.yaml")
    replace_in(speakers, RICHARD, RICHARD + "    aliasses: [Dick]\n")
    (error,) = refusal(root).errors
    key_line = line_of(speakers, "aliasses:")
    assert error.message.startswith(
        f"site_config/speakers.yaml, line {key_line}: unknown key 'aliasses'. Did you mean 'aliases'?")
    assert "Known keys: id, name, name_hant, aliases, note" in fix_of(error)


def test_misspelt_top_level_speakers_key_is_named_with_its_line_and_a_suggestion(root):
    speakers = config_file(root, "speakers.yaml")
    replace_in(speakers, "\nspeakers:\n", "\nspekers:\n")
    key_line = line_of(speakers, "spekers:")
    message = refusal(root).message
    assert f"site_config/speakers.yaml, line {key_line}: unknown top-level key 'spekers'." in message
    assert "Did you mean 'speakers'?" in message


def test_speaker_without_a_name_is_reported_with_the_field_and_the_entry_line(root):
    speakers = config_file(root, "speakers.yaml")
    entry_line = line_of(speakers, "- id: wang-xiaochuan")
    replace_in(speakers, "    name: 王小川\n", "")
    (error,) = refusal(root).errors
    assert error.message.startswith(f"site_config/speakers.yaml, line {entry_line}: 'name' is missing")
    assert fix_of(error).startswith("Add 'name:' (Name in Simplified Chinese.)")


@pytest.mark.parametrize("bad", ["14/06/2024", "2024-6-14", "June 2024", "2024/06/14"])
def test_date_not_written_as_yyyy_mm_dd_is_refused_with_the_format_to_use(root, bad):
    events = config_file(root, "events.yaml")
    replace_in(events, "date: 2024-06-14", f"date: {bad}")
    (error,) = refusal(root).errors
    assert error.message.startswith(f"site_config/events.yaml, line {line_of(events, f'date: {bad}')}: ")
    assert f"'{bad}' is not a date. Write it as YYYY-MM-DD" in error.message


def test_impossible_calendar_date_is_refused_too(root):
    # Month 13, day 45: the shape is YYYY-MM-DD, but no such day exists.
    events = config_file(root, "events.yaml")
    replace_in(events, "date: 2024-06-14", "date: 2024-13-45")
    errors = refusal(root)
    assert f"site_config/events.yaml, line {line_of(events, 'date: 2024-13-45')}: " in errors.message
    assert "Write it as YYYY-MM-DD" in errors.message


# ------------------------------------------------------------------ cross-references


def test_participant_speaker_id_not_in_speakers_yaml_gets_a_did_you_mean(root):
    events = config_file(root, "events.yaml")
    replace_in(events, YANG_AT_BAAI, YANG_AT_BAAI.replace("yang-zhilin", "yang-zhilinn"))
    (error,) = refusal(root).errors
    assert error.message.startswith(
        f"site_config/events.yaml, line {line_of(events, 'yang-zhilinn')}: couldn't find speaker 'yang-zhilinn' "
        "(event 'baai-2024-peak-dialogue'). Did you mean 'yang-zhilin'?")
    assert "speakers.yaml" in fix_of(error)


def test_event_and_source_that_disagree_about_which_event_it_is_are_both_named(root):
    # events.yaml lists baai-2024-bbtnews under the 智源 event; sources.yaml now says it reports the Fan谈 event.
    sources = config_file(root, "sources.yaml")
    replace_in(sources, BBTNEWS_EVENT, BBTNEWS_EVENT.replace("baai-2024-peak-dialogue", "fan-talk-2024-li-dahai"))
    errors = refusal(root)
    message = errors.message
    assert ("site_config/events.yaml, line 4: event 'baai-2024-peak-dialogue' claims source 'baai-2024-bbtnews', "
            "but that source says it reports event 'fan-talk-2024-li-dahai'") in message
    assert (f"site_config/sources.yaml, line {line_of(sources, '- id: baai-2024-bbtnews')}: source 'baai-2024-bbtnews' "
            "says it reports event 'fan-talk-2024-li-dahai', but that event does not list it") in message
    assert "Make events.yaml 'sources' and sources.yaml 'event' agree." in message
    assert "Add 'baai-2024-bbtnews' to the sources of 'fan-talk-2024-li-dahai' in events.yaml." in message


def test_source_listed_under_a_second_event_is_named_with_the_event_it_really_reports(root):
    events = config_file(root, "events.yaml")
    replace_in(events, "sources: [csdn-1024-2023-transcript]", "sources: [csdn-1024-2023-transcript, baai-2024-bbtnews]")
    (error,) = refusal(root).errors
    assert error.message.startswith(
        f"site_config/events.yaml, line {line_of(events, '- id: csdn-1024-2023-nine-questions')}: "
        "event 'csdn-1024-2023-nine-questions' claims source 'baai-2024-bbtnews', "
        "but that source says it reports event 'baai-2024-peak-dialogue'")


def test_source_whose_seed_file_is_missing_is_named_with_its_line(root):
    (root / "seeds" / "004_46b7432f21e51e22.txt").unlink()
    sources = config_file(root, "sources.yaml")
    (error,) = refusal(root).errors
    assert error.message.startswith(
        f"site_config/sources.yaml, line {line_of(sources, '- id: apsara-2024-appso')}: "
        "seed file '004_46b7432f21e51e22.txt' of source 'apsara-2024-appso' is not in seeds/")


# ------------------------------------------------------------------ several at once


def test_several_problems_in_several_files_are_all_reported_in_one_error(root):
    replace_in(config_file(root, "speakers.yaml"), RICHARD, RICHARD + "    aliasses: [Dick]\n")
    replace_in(config_file(root, "events.yaml"), "date: 2024-06-14", "date: 14/06/2024")
    replace_in(config_file(root, "topics.yaml"), "{id: agi, name: AGI 的定义与路径,", "{id: agi,")
    replace_in(config_file(root, "glossary.yaml"), "note: MiniCPM product name}", "note: MiniCPM product name")
    errors = refusal(root)
    assert len(errors.errors) == 4
    files = sorted(place for place, _line in error_places(errors.message))
    assert files == ["site_config/events.yaml", "site_config/glossary.yaml",
                     "site_config/speakers.yaml", "site_config/topics.yaml"]
    # One message line and one Fix line per problem.
    assert len(errors.message.splitlines()) == 8
    assert errors.message.count("\n  Fix: ") == 4
    assert all(line is not None for _place, line in error_places(errors.message))


def test_several_cross_reference_problems_are_all_reported_in_one_error(root):
    events = config_file(root, "events.yaml")
    replace_in(events, YANG_AT_BAAI, YANG_AT_BAAI.replace("yang-zhilin", "yang-zhilinn"))
    replace_in(events, "role: questioner", "role: asker")
    sources = config_file(root, "sources.yaml")
    replace_in(sources, BBTNEWS_EVENT, BBTNEWS_EVENT.replace("baai-2024-peak-dialogue", "fan-talk-2024-li-dahai"))
    errors = refusal(root)
    assert len(errors.errors) == 4
    message = errors.message
    assert "couldn't find speaker 'yang-zhilinn'" in message
    assert f"site_config/events.yaml, line {line_of(events, 'role: asker')}: role 'asker' is not one of" in message
    assert "claims source 'baai-2024-bbtnews'" in message
    assert "source 'baai-2024-bbtnews' says it reports event 'fan-talk-2024-li-dahai'" in message
