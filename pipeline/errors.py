"""The one exception for problems a user must fix (not bugs)."""

from __future__ import annotations


class SecorError(Exception):
    """Something the office or the owner must fix; the message says what and where.

    ``table``, ``row`` and ``column`` locate the problem as the office sees it
    (tab name, sheet row number, header); ``fix`` says what to do. ``exit_code`` is what the
    command exits with: 2 for a setting or command to correct, 1 for records that could not be read
    (as when a file is unreadable), so a scheduler tells them apart.
    """

    def __init__(
        self,
        problem: str,
        *,
        table: str | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
        exit_code: int = 2,
    ) -> None:
        self.exit_code = exit_code
        self.problem = problem
        self.table = table
        self.row = row
        self.column = column
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.table:
            where.append(f"table '{self.table}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = (", ".join(where) + ": " if where else "") + self.problem
        if self.fix:
            text += f" {self.fix}"
        return text
