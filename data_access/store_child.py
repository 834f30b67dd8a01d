"""`python -m data_access.store_child`: builds one analytics store in a process of its own,
as told on stdin (`build_in_child` runs it, so that the build's memory is not the server's).

The protocol: the parent writes one JSON object on the child's stdin (the source URL, the
store's path and stamp; the URL never on a command line that `ps` shows) and closes it; the
child answers with JSON lines on stdout, `{"kind": "progress", "fraction", "message"}` while
it builds and one `{"kind": "done"}` or `{"kind": "error", "reason"}` at the end.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from data_access.engine import REPO_ROOT, create_readonly_engine
from data_access.store import Progress, Stamp, no_progress
from data_access.store_build import build

log = logging.getLogger(__name__)

# Seconds a child that closed its stdout (it said its last word) may take to exit before it is
# killed: a build whose outcome is known never holds the keeper's thread on a hung exit.
CHILD_DRAIN_S = 5.0


def build_in_child(url: str, path: Path, stamp: Stamp, progress: Progress = no_progress) -> None:
    """build() in a process of its own (`python -m data_access.store_child`): its peak memory
    (hundreds of MB while the months are paired) goes back to the system when it ends instead
    of staying in the server's heap. The source URL goes over stdin (never on a command line
    that `ps` shows); progress and the outcome come back as JSON lines on stdout. A failure is
    raised here with the child's reason."""
    errors = tempfile.TemporaryFile("w+", encoding="utf-8")  # a pipe could fill and block
    child = subprocess.Popen(
        [sys.executable, "-m", "data_access.store_child"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
        cwd=REPO_ROOT, text=True, encoding="utf-8",  # -m finds data_access from cwd
    )  # fmt: skip
    outcome = None
    try:
        job = {
            "url": url,
            "path": str(path),
            "source": stamp.source,
            "extracted_at": stamp.extracted_at,
        }
        child.stdin.write(json.dumps(job))
        child.stdin.close()
        for line in child.stdout:
            try:
                message = json.loads(line)
            except ValueError:  # something a library printed
                continue
            if message["kind"] == "progress":
                progress(message["fraction"], message["message"])
            else:
                outcome = message
        try:
            child.wait(CHILD_DRAIN_S)
        except subprocess.TimeoutExpired:
            log.warning("analytics store child did not exit %.0f s after its output", CHILD_DRAIN_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    errors.seek(0)
    error = errors.read().strip().splitlines()
    errors.close()
    if outcome is None:
        log.warning("analytics store child ended with %s: %s", child.returncode, error[-1:] or "")
        raise RuntimeError(f"分析库生成进程意外结束（退出码 {child.returncode}）")
    if outcome["kind"] == "error":
        raise RuntimeError(outcome["reason"])


def child_main() -> int:
    """The child's side of build_in_child (data_access/store_child.py)."""
    job = json.loads(sys.stdin.read())

    def say(**message) -> None:
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    source = create_readonly_engine(job["url"])
    try:
        build(
            source, job["url"], Path(job["path"]),
            progress=lambda f, m: say(kind="progress", fraction=f, message=m),
            stamp=Stamp(job["source"], job["extracted_at"]),
        )  # fmt: skip
        say(kind="done")
        return 0
    except Exception as exc:
        reason = str(exc).strip().splitlines()
        say(kind="error", reason=reason[0] if reason else type(exc).__name__)
        return 1
    finally:
        source.dispose()


if __name__ == "__main__":
    sys.exit(child_main())
