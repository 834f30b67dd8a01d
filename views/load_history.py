"""数据加载记录 on the 审计日志 page: the loads of python -m loader, newest first, as table rows."""

from __future__ import annotations

from data_access.load_history import read_loads

COLUMNS = ("编号", "时间", "文件", "操作系统账号", "行数", "状态")


def load_rows(engine) -> list[dict]:
    """One row per load with Chinese column names (see COLUMNS); empty without any load."""
    return [
        {
            "编号": r["load_id"],
            "时间": str(r["loaded_at"]).replace("T", " ")[:19],
            "文件": "、".join(r["files"]),
            "操作系统账号": r["os_user"],
            "行数": _counts(r["counts"]),
            "状态": f"已撤销（{str(r['undone_at']).replace('T', ' ')[:19]}）"
            if r["undone_at"]
            else "",
        }
        for r in read_loads(engine)
    ]


def _counts(counts: dict) -> str:
    """chronic_status +1 −3 (rows inserted, replaced), ~n for rows updated."""
    return "；".join(
        f"{t} +{c.get('inserted', 0):,}"
        + (f" −{c['replaced']:,}" if c.get("replaced") else "")
        + (f" ~{c['updated']:,}" if c.get("updated") else "")
        for t, c in counts.items()
    )
