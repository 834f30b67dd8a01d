"""数据质量's own state: which flags the list shows (全部 / 团队 / 村 / 乡镇); not in the URL."""

from __future__ import annotations

W_LEVEL = "w_quality_level"
