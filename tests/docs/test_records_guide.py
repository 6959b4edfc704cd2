"""docs/records.md ("Bring your own records") shows what the commands really print.

The guide's commands are run in order on the demo written as a real Drive, with the config its
TOML blocks build up step by step; every line the guide shows must be in the real output.
Run this file as a script to print the real outputs when the guide needs refreshing.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "records.md"
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def steps(text: str) -> Iterator[tuple[str, str, str | None]]:
    """(config so far, command, the output shown right after it or None), in the guide's order."""
    blocks = list(_BLOCK.finditer(text))
    config: list[str] = []
    for i, block in enumerate(blocks):
        lang, body = block.group(1), block.group(2)
        if lang == "toml":
            config.append(body)
        elif body.startswith("secor "):
            follows = blocks[i + 1] if i + 1 < len(blocks) else None
            shown = (follows.group(2) if follows and not follows.group(1)
                     and not text[block.end():follows.start()].strip() else None)
            yield "\n".join(config), body.strip(), shown


def run_guide(folder: Path) -> Iterator[tuple[str, str | None, str]]:
    """(command, output shown, real output) for every command of the guide, run in ``folder``."""
    here = Path.cwd()
    os.chdir(folder)
    try:
        for config, command, shown in steps(GUIDE.read_text(encoding="utf-8")):
            if config:
                Path("secor.toml").write_text(config, encoding="utf-8")
            result = CliRunner().invoke(main, shlex.split(command)[1:])
            yield command, shown, result.output
    finally:
        os.chdir(here)


def test_every_line_the_guide_shows_is_what_the_command_prints(tmp_path: Path) -> None:
    ran = list(run_guide(tmp_path))
    assert ran[0][0].startswith("secor demo --style forms")
    assert sum(1 for _, shown, _ in ran if shown) >= 4
    for command, shown, real in ran:
        if shown is None:
            continue
        real_lines = real.splitlines()
        for line in shown.splitlines():
            if line.strip():
                assert line in real_lines, f"`{command}` does not print:\n{line}\n\nit prints:\n{real}"


if __name__ == "__main__":  # print the real outputs, to paste into the guide
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for command, _, real in run_guide(Path(tmp)):
            sys.stdout.write(f"$ {command}\n{real}\n")
