"""Entry point: `streamlit run dashboard/app.py`.

The frame itself is dashboard/frame.py; this file mounts it with st.App (Streamlit's ASGI entry)
together with the two small routes that set and delete the HttpOnly session cookie
(dashboard/websession.py). Running the frame alone (`streamlit run dashboard/frame.py`, or
AppTest) works without those routes: a sign-in then lasts only as long as the browser tab.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import audit, auth, websession  # noqa: E402


def _check_settings() -> None:
    """Refuse to start, with a Chinese message and no traceback, on settings that would
    switch a protection off or break at the first sign-in."""
    try:
        auth.load_accounts()
        audit.retention_days()
    except (auth.AccountsError, ValueError) as exc:
        print(f"启动失败：{exc}", file=sys.stderr)
        sys.exit(2)


_check_settings()
websession.routes_mounted = True
app = st.App(Path(__file__).with_name("frame.py"), routes=websession.routes())
