"""Data Issues: what the office must fix told apart from notes, and the fix said once, in its own column."""

from __future__ import annotations

import pytest

from pipeline.normalise.dataset import REJECTED, TABLE, WARNING
from pipeline.outputs.triage import NEEDS_FIXING, NOTE_ONLY, split_fix, triage

DOUBLE = ("same answers as row 1468 (FLHA-261102-070536) submitted 20 s apart: a double submit; row not used.")
EXAMPLE = ("example row of the secor-records.xlsx template (left as the template wrote it); not counted. "
           "Delete it once your own rows are in.")
LEGEND = ("not a worker (a heading, legend or note): skipped. If it is a worker, add them to Workers and remove "
          "any blank row above them.")
MISSING_COLUMN = ("required column 'Hazards' not found in tab 'FLHA' of Forms.xlsx (40 rows not used); add the "
                  "column or map its header in the config.")


@pytest.mark.parametrize(("severity", "problem"), [(REJECTED, DOUBLE), (REJECTED, EXAMPLE), (WARNING, LEGEND),
                                                   (REJECTED, "blank row; nothing to use (delete it).")])
def test_a_record_rightly_left_out_is_a_note(severity: str, problem: str) -> None:
    result = triage(severity, problem)
    assert not result.needs_fixing and result.label == NOTE_ONLY
    assert result.what_to_do  # a note still says what (not) to do


def test_a_double_submit_says_nothing_is_to_be_done() -> None:
    assert triage(REJECTED, DOUBLE, "Timestamp").what_to_do == "Nothing: the first submission is used."


@pytest.mark.parametrize(("severity", "problem", "column"), [
    (TABLE, MISSING_COLUMN, "Hazards"),
    (REJECTED, "required value is blank; row not used.", "Worker"),
    (WARNING, "'02/30/2026' is not a real date (dates are read as month/day/year); correct it; value ignored.",
     "Identified"),
    (WARNING, "not a name on Workers; did you mean Dale Kowalski? (row used)", "Inspector"),
])
def test_a_rejected_row_an_ignored_value_or_a_missing_column_needs_fixing(severity: str, problem: str,
                                                                           column: str) -> None:
    result = triage(severity, problem, column)
    assert result.needs_fixing and result.label == NEEDS_FIXING


def test_a_table_level_line_needs_fixing_even_when_it_reads_like_a_note() -> None:
    assert triage(TABLE, "blank row; the whole file is empty").needs_fixing


def test_the_fix_in_the_problem_text_is_moved_to_what_to_do_not_repeated() -> None:
    result = triage(TABLE, MISSING_COLUMN, "Hazards")
    assert result.problem == "required column 'Hazards' not found in tab 'FLHA' of Forms.xlsx (40 rows not used)"
    assert result.what_to_do == "Add the column or map its header in the config."


def test_a_fix_in_the_middle_keeps_the_effect_in_the_problem() -> None:
    result = triage(WARNING, "'02/30/2026' is not a real date; correct it; value ignored.", "Identified")
    assert result.problem == "'02/30/2026' is not a real date; value ignored."
    assert result.what_to_do == "Correct the Identified value on that row."


def test_a_fix_that_names_a_config_line_after_a_colon_stays_whole() -> None:
    problem, fix = split_fix("tab 'FLHA 2' (x.xlsx) also looks like FLHA; only 'FLHA' (x.xlsx) is read. Merge "
                             "them, or pin the one to read: under [tables] in the config, flha = ['FLHA']")
    assert problem == "tab 'FLHA 2' (x.xlsx) also looks like FLHA; only 'FLHA' (x.xlsx) is read."
    assert fix == "Merge them, or pin the one to read: under [tables] in the config, flha = ['FLHA']."


def test_a_choice_list_after_a_colon_stays_in_the_problem() -> None:
    problem, fix = split_fix("'Cut' is not one of: First Aid, Near Miss; the row is used without it: pick one of "
                             "the listed values.")
    assert problem == "'Cut' is not one of: First Aid, Near Miss; the row is used without it."
    assert fix == "Pick one of the listed values."


def test_without_a_fix_in_the_text_a_default_names_the_column_or_the_guess() -> None:
    assert triage(REJECTED, "required value is blank; row not used.", "Worker").what_to_do == \
        "Fill in Worker on that row."
    name = triage(WARNING, "not a name on Workers; did you mean Dale Kowalski? (row used)", "Inspector")
    assert name.what_to_do == ("Correct the name to Dale Kowalski if that is who it is, or add the person to "
                               "Workers.")
    assert name.problem == "not a name on Workers; did you mean Dale Kowalski? (row used)"


def test_conditional_advice_is_a_note_with_its_condition() -> None:
    result = triage(WARNING, "'Fall Arrest' is not a ticket in the Training Matrix, so the record counts for no "
                             "required ticket. Fine for extra training; otherwise use the matrix's name.", "Ticket")
    assert not result.needs_fixing
    assert result.what_to_do == "Fine for extra training; otherwise use the matrix's name."
