"""The `secor` command: a thin shell over the jobs; each command's docstring is its --help."""

from __future__ import annotations

import errno
import sys

import click

from ..errors import SecorError


class _Group(click.Group):
    """Turns a SecorError into a clear message and its exit code (2, or 1 for a source), without a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SecorError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):  # anywhere: the dashboard, a pack, a log, the state
                where = f" while writing '{exc.filename}'" if exc.filename else ""
                click.echo(f"error: the disk is full{where} ({exc.strerror}). Free some space on the output "
                           "drive, then run again.", err=True)
                sys.exit(2)
            if not exc.filename:
                raise
            # A folder that is not there or not writable, a file open in Excel: the user's to fix.
            click.echo(f"error: '{exc.filename}': {exc.strerror}. Check the folder exists and can be written, "
                       "and close the file if it is open in another program.", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"max_content_width": 120, "terminal_width": 120})
@click.version_option(package_name="secor-pipeline")
def main() -> None:
    """SECOR records pipeline: office sheets and crew forms -> dashboards and a monthly audit pack.

    Start with `secor demo` and `secor sync --source demo`, or see README.md.
    """


def _register() -> None:
    from . import core

    for name in ("demo", "pack", "jobs", "google", "fleet"):
        try:
            module = __import__(f"{__name__}.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.register(main)
    core.register(main)


_register()
