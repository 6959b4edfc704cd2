"""The owner's email leads with the action plan: the 5 most urgent actions (who, what, by when), then readiness.

Plans are built by hand here: the email shows ``findings.plan`` as it is, never re-ranking it.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import json
import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.checks.audit import Findings
from pipeline.outputs.mail import Headline, build_pack_message, pack_html, pack_text, send_message
from pipeline.plan.model import (
    CERTIFICATE_TIER,
    DEDUCTED_TIER,
    DEFICIENCY,
    FAIL_TIER,
    PASS_RULE_TIER,
    SOON_TIER,
    TICKET,
    ActionPlan,
    PlanAction,
)
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, make_findings, pdf_bytes, smtp_server

AS_OF = date(2026, 10, 31)
PDF = "acme-safety-audit-pack-2026-10.pdf"


def _action(rank: int, what: str, who: str | None = "Ravi Sandhu", due: date | None = date(2026, 11, 14),
            tier: int = FAIL_TIER, clears: tuple[str, ...] = ("E5.2",), decider: str = "") -> PlanAction:
    return PlanAction(key=f"test|{rank}", tier=tier, kind=TICKET if "Renew" in what else DEFICIENCY, what=what,
                      who=who, who_from="holds the ticket" if who else "", decider=decider, due=due,
                      due_from="Due on the record", where="Safety Office.xlsx / Training, row 12",
                      close="write the new expiry date", clears=clears, rank=rank)


# Seven actions, as the lead's plan would rank them: the email shows the first five.
ACTIONS = (
    _action(1, "Plan the move to COR: 14 workers is over the small-employer limit", who=None,
            decider="Dana Whitford (Owner) decides who", due=date(2026, 11, 30), tier=CERTIFICATE_TIER,
            clears=("S.1",)),
    _action(2, "Renew Ravi Sandhu's H2S Alive", due=date(2026, 10, 15), tier=PASS_RULE_TIER, clears=("E5.2", "S.3")),
    _action(3, "Close PS-261111-064455 (cracked ladder foot)", who="Jason Whitford", due=AS_OF,
            clears=("E3.2", "E4.3")),
    _action(4, "Sign the FLHAs of 2026-10-03", who="Mike Oneil", tier=DEDUCTED_TIER, clears=("E2.4",)),
    _action(5, "Renew Mike Oneil's First Aid", who="Mike Oneil", due=date(2026, 12, 1), tier=SOON_TIER, clears=()),
    _action(6, "Renew Ravi Sandhu's WHMIS", due=date(2026, 12, 20), tier=SOON_TIER, clears=()),
    _action(7, "Review the Hazard Assessment", who="Dana Whitford", due=date(2027, 1, 15), tier=SOON_TIER, clears=()),
)


def with_plan(actions: tuple[PlanAction, ...] = ACTIONS, **kw: object) -> Findings:
    findings = make_findings(company="Acme Safety", **kw)  # type: ignore[arg-type]
    return dataclasses.replace(findings, plan=ActionPlan(AS_OF, actions))


def _text(findings: Findings | Headline) -> str:
    return pack_text(Headline.of(findings), "2026-10", PDF)


def _html(findings: Findings | Headline) -> str:
    return pack_html(Headline.of(findings), "2026-10", PDF)


class _Lines(HTMLParser):
    """The text of an HTML part as a reader sees it: one line per block (heading, paragraph, list item)."""

    BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "div", "br", "ul", "tr"})

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        self.lines[-1] += data


def html_lines(html: str) -> list[str]:
    parser = _Lines()
    parser.feed(html)
    return [" ".join(x.split()) for x in parser.lines if x.strip()]


def text_lines(text: str) -> list[str]:
    return [" ".join(x.split()) for x in text.splitlines() if x.strip() and x.strip() != "--"]


ACTION_LINE = re.compile(r"^(\d+\. |Who: |By when: |Why: )")


# --------------------------------------------------------------------------- what it says


def test_the_email_leads_with_the_five_most_urgent_actions_then_readiness() -> None:
    lines = text_lines(_text(with_plan()))
    start = lines.index("What to do first: the 5 most urgent of 7 actions.")
    assert start == 2  # straight after the title and "records as of"
    assert lines[start + 1:start + 5] == [
        "1. Plan the move to COR: 14 workers is over the small-employer limit",
        "Who: Unassigned: Dana Whitford (Owner) decides who",  # nobody named: it says who decides
        "By when: 2026-11-30",
        "Why: Certificate (clears S.1)",
    ]
    assert lines[start + 5:start + 9] == ["2. Renew Ravi Sandhu's H2S Alive", "Who: Ravi Sandhu",
                                          "By when: overdue since 2026-10-15", "Why: Pass rule (clears E5.2, S.3)"]
    assert "By when: today, 2026-10-31" in lines and "Why: Coming up" in lines  # an action that clears no check
    assert [ln for ln in lines if re.match(r"^\d\. ", ln)][-1] == "5. Renew Mike Oneil's First Aid"
    assert not any("WHMIS" in ln or "Hazard Assessment" in ln for ln in lines)  # 6 and 7 are in the pack
    more = "And 2 more in the pack's action list and on the Dashboard - Actions tab, with where to do each."
    readiness = next(i for i, ln in enumerate(lines) if ln.startswith("Audit readiness: 75% overall."))
    assert lines.index(more) < readiness < lines.index("Headline numbers:")
    assert "This DOES NOT MEET the Certifying Partners' rule" in lines[readiness]
    assert lines[readiness + 1] == "Weakest element: 5 Qualifications, Orientation and Training, 25%."
    assert "Expired tickets 2" in lines and "Overdue deficiencies 4" in lines  # the counts, as before


def test_the_email_shows_the_plan_as_ranked_never_re_ranked() -> None:
    # A plan whose order does not follow the tiers (the plan's business, not the email's): shown as given.
    actions = (_action(1, "Renew Ravi Sandhu's WHMIS", tier=SOON_TIER), _action(2, "Plan the move to COR",
                                                                                tier=CERTIFICATE_TIER))
    lines = [ln for ln in text_lines(_text(with_plan(actions))) if re.match(r"^\d\. ", ln)]
    assert lines == ["1. Renew Ravi Sandhu's WHMIS", "2. Plan the move to COR"]
    assert "What to do: the 2 actions on the plan, most urgent first." in _text(with_plan(actions))
    assert "The pack's action list and the Dashboard - Actions tab say where" in _text(with_plan(actions))


def test_an_empty_plan_says_so_plainly() -> None:
    text = _text(with_plan(()))
    assert "Nothing to do: the action plan is empty as of 2026-10-31." in text
    assert "Who:" not in text and "more in the pack" not in text
    assert "Audit readiness: 75% overall." in text
    assert "Nothing to do: the action plan is empty as of 2026-10-31." in html_lines(_html(with_plan(())))


def test_a_headline_kept_before_the_plan_existed_still_mails_its_numbers() -> None:
    old = Headline.of(make_findings(company="Acme Safety")).to_dict()
    old.pop("plan")  # a state file or findings.json written by the version before the plan
    text = _text(Headline.from_dict(json.loads(json.dumps(old))))
    assert "Who:" not in text and "Nothing to do" not in text  # unknown is not "nothing to do"
    assert "The action list at the front of the pack says what to fix first." in text
    assert "Audit readiness: 75% overall." in text and "Expired tickets" in text


def test_an_unreadable_kept_plan_drops_the_actions_not_the_email(caplog: pytest.LogCaptureFixture) -> None:
    kept = Headline.of(with_plan()).to_dict()
    kept["plan"] = {"total": 3, "top": [{"rank": 1, "who_text": "Ravi"}]}  # no "what"
    headline = Headline.from_dict(kept)
    assert headline.plan is None and "action plan kept with the headline numbers is unusable" in caplog.text
    assert "Audit readiness: 75% overall." in _text(headline)


def test_the_top_actions_survive_the_state_file() -> None:
    headline = Headline.of(with_plan())
    kept = json.loads(json.dumps(headline.to_dict()))
    assert kept["plan"]["total"] == 7 and len(kept["plan"]["top"]) == 5
    assert kept["plan"]["top"][1] == {"rank": 2, "what": "Renew Ravi Sandhu's H2S Alive", "who_text": "Ravi Sandhu",
                                      "due": "2026-10-15", "clears_text": "clears E5.2, S.3", "tier_name": "Pass rule"}
    again = Headline.from_dict(kept)
    assert again == headline and _text(again) == _text(with_plan())


def test_a_plan_written_with_the_plan_actions_own_fields_is_read_too() -> None:
    # e.g. a pack's findings.json carrying the plan as PlanAction fields (who/decider, clears as a list, tier)
    data = Headline.of(make_findings(company="Acme Safety")).to_dict()
    data["plan"] = {"as_of": "2026-10-31", "actions": [
        {"rank": 1, "what": "Close PS-261111-064455", "who": None, "decider": "Dana Whitford (Owner) decides who",
         "due": "2026-10-01", "clears": ["E3.2", "E4.3"], "tier": FAIL_TIER},
        *[{"what": f"Renew ticket {i}", "who": "Ravi Sandhu", "due": None, "tier": SOON_TIER} for i in range(6)]]}
    lines = text_lines(_text(Headline.from_dict(data)))
    assert "What to do first: the 5 most urgent of 7 actions." in lines
    i = lines.index("1. Close PS-261111-064455")
    assert lines[i + 1:i + 4] == ["Who: Unassigned: Dana Whitford (Owner) decides who",
                                  "By when: overdue since 2026-10-01", "Why: Fail (clears E3.2, E4.3)"]
    assert "By when: no date set" in lines and "2. Renew ticket 0" in lines


# --------------------------------------------------------------------------- the HTML part


def test_html_and_text_carry_the_same_actions_and_figures() -> None:
    for findings in (with_plan(), with_plan(()), with_plan(readiness=(1, 1, 0.75, 1, 0.75, 1))):
        text, html = _text(findings), _html(findings)
        plain, shown = text_lines(text), html_lines(html)
        assert {ln for ln in plain if ACTION_LINE.match(ln)} == {ln for ln in shown if ACTION_LINE.match(ln)}
        numbers = re.compile(r"\d+(?:[-.]\d+)*%?")
        assert Counter(numbers.findall("\n".join(plain))) == Counter(numbers.findall("\n".join(shown)))
        # and word for word the same body (the plain part's column padding and "--" aside)
        assert Counter(re.findall(r"\w+", "\n".join(plain))) == Counter(re.findall(r"\w+", "\n".join(shown)))
    assert "Who: Ravi Sandhu" in html_lines(_html(with_plan()))


def test_crew_text_shows_literally_in_both_parts() -> None:
    hostile = (_action(1, "Fix <script>alert(1)</script> & the ladder", who="<b>Bob</b>"),)
    text, html = _text(with_plan(hostile)), _html(with_plan(hostile))
    assert "<script>" not in html and "<b>Bob</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; the ladder" in html and "&lt;b&gt;Bob&lt;/b&gt;" in html
    assert "1. Fix <script>alert(1)</script> & the ladder" in html_lines(html)  # what a reader sees
    assert "Who: <b>Bob</b>" in html_lines(html) and "Who: <b>Bob</b>" in text


def test_the_html_part_is_one_phone_column() -> None:
    html = _html(with_plan())
    body = re.search(r'<body style="([^"]*)"', html)
    assert body and "max-width:600px" in body.group(1) and "font-size:16px" in body.group(1)
    assert 'name="viewport" content="width=device-width' in html
    assert "<table" not in html  # actions are stacked blocks, nothing laid out in columns
    sizes = [int(x) for x in re.findall(r"font-size:(\d+)px", html)]
    assert min(sizes) >= 14 and sizes.count(14) == 1  # the small print is the footer line only
    assert re.findall(r"(?<![-\w])width:", html) == []  # no fixed width anywhere (max-width only)


# --------------------------------------------------------------------------- rendered at 390 px

WKHTMLTOIMAGE = shutil.which("wkhtmltoimage")
needs_browser = pytest.mark.skipif(WKHTMLTOIMAGE is None, reason="wkhtmltoimage (Debian package wkhtmltopdf)")


def render_png(html: str, tmp_path: Path, name: str) -> tuple[int, int]:
    """The HTML rendered by headless WebKit at 390 px (an iPhone's width); the PNG grows if anything is wider."""
    from PIL import Image

    page, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    page.write_text(html, encoding="utf-8")
    subprocess.run([str(WKHTMLTOIMAGE), "--quiet", "--width", "390", "--disable-javascript", str(page), str(png)],
                   check=True, capture_output=True, timeout=60)
    with Image.open(png) as image:
        return image.size


@needs_browser
def test_the_email_fits_a_390_px_phone_screen(tmp_path: Path) -> None:
    long_word = "PS-" + "261111064455" * 8  # an ID or file name with nowhere to break
    actions = (*ACTIONS[:4], _action(5, f"Close {long_word}", who="Jason " + "W" * 60))
    width, height = render_png(_html(with_plan(actions)), tmp_path, "email")
    assert width == 390 and height > 800  # all of it, in one column
    # The negative control: the same email with one element wider than the screen makes the image grow,
    # so a width of 390 above really means nothing overflowed.
    wide = _html(with_plan()).replace("<h2", '<div style="width:700px">wide</div><h2', 1)
    assert render_png(wide, tmp_path, "wide")[0] > 390


@needs_browser
def test_the_email_with_an_empty_plan_fits_too(tmp_path: Path) -> None:
    assert render_png(_html(with_plan(())), tmp_path, "empty")[0] == 390


# --------------------------------------------------------------------------- over SMTP


def test_the_actions_arrive_over_smtp_in_both_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    pdf = tmp_path / PDF
    pdf.write_bytes(pdf_bytes(2))
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        send_message(settings, build_pack_message(settings, with_plan(), pdf, "2026-10"))
        [envelope] = server.handler.messages
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    html = received.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "2. Renew Ravi Sandhu's H2S Alive\n   Who: Ravi Sandhu\n   By when: overdue since 2026-10-15" in text
    assert "By when: overdue since 2026-10-15" in html_lines(html)
    assert [a.get_filename() for a in received.iter_attachments()] == [PDF]  # type: ignore[attr-defined]
