"""Reading a process's memory from ``/proc`` (psutil is not a dependency)."""

from __future__ import annotations

from pathlib import Path

FIELDS = ("VmRSS", "VmHWM")


def memory_kb(pid: int | str = "self") -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (resident peak) of ``pid``, in kB, from its status file.

    Reading ``/proc/PID/status`` from another process gives the same figures the process
    would see in ``/proc/self/status``.
    """
    found: dict[str, int] = {}
    with Path(f"/proc/{pid}/status").open() as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in FIELDS:
                found[key] = int(value.split()[0])
    return found
