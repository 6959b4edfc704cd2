"""A client whose process dies outright (out of memory, killed) is reported on its row; the others complete."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.fleet.client import ClientJob, ClientResult
from pipeline.fleet.config import Client
from pipeline.fleet.portfolio import ClientRow
from pipeline.fleet.run import run_jobs


def dies_for_boom(job: ClientJob) -> ClientResult:
    """Stands in for run_client: the client named "boom" kills its own process, as the OOM killer would."""
    if job.client.name == "boom":
        os._exit(137)
    return ClientResult(ClientRow(job.client.name, f"{job.client.name.title()} Ltd."), True, (f"pid {os.getpid()}",))


def test_a_dead_process_is_that_clients_error_and_every_client_gets_a_fresh_process(tmp_path: Path) -> None:
    jobs = [ClientJob("sync", Client(name, tmp_path / f"{name}.toml", tmp_path / name))
            for name in ("alpha", "boom", "bravo", "charlie")]
    results = run_jobs(jobs, 2, work=dies_for_boom)
    assert [r.row.client for r in results] == ["alpha", "boom", "bravo", "charlie"]
    assert [r.ok for r in results] == [True, False, True, True]
    assert "stopped before finishing" in results[1].row.error
    pids = [r.lines[0] for r in results if r.ok]
    assert len(set(pids)) == 3  # one process per client, never reused
