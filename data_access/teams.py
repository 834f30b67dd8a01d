"""Family-doctor teams: services, points, composition and 抽查 (sample checks) over a period."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.figures import share
from data_access.periods import Period
from data_access.schema import (
    sample_check,
    service_type,
    team,
    team_member,
    team_service,
    team_village,
    township,
    village,
)
from data_access.scope import Scope, where

MEMBER_LEVELS = ("county", "township", "village", "other")

WORKLOAD_COLUMNS = [
    "team_id",
    "name",
    "township_code",
    "township_name",
    "services",
    "points",
    "village_services",
    "members",
    "villages",
    "population",
    "checked",
    "passed",
]


def team_workload(engine: Engine, scope: Scope, period: Period) -> pd.DataFrame:
    """Per team of the townships in scope: services, points, members, served population, 抽查.

    Adds village_doctor_share (village-level services / all services) and pass_rate
    (passed / checked), each None when its denominator is 0.
    """
    ts = team_service.c
    services = (
        sa.select(
            ts.team_id,
            sa.func.sum(ts.services).label("services"),
            sa.func.sum(ts.services * service_type.c.points).label("points"),
            sa.func.sum(sa.case((ts.member_level == "village", ts.services), else_=0)).label(
                "village_services"
            ),
        )
        .select_from(
            team_service.join(service_type, service_type.c.service_type == ts.service_type)
        )
        .where(ts.month.in_(period.months))
        .group_by(ts.team_id)
        .subquery("services")
    )
    members = (
        sa.select(team_member.c.team_id, sa.func.count().label("members"))
        .group_by(team_member.c.team_id)
        .subquery("members")
    )
    served = (
        sa.select(
            team_village.c.team_id,
            sa.func.count().label("villages"),
            sa.func.sum(village.c.population).label("population"),
        )
        .select_from(
            team_village.join(village, village.c.village_code == team_village.c.village_code)
        )
        .group_by(team_village.c.team_id)
        .subquery("served")
    )
    sc = sample_check.c
    checks = (
        sa.select(
            sc.team_id,
            sa.func.sum(sc.checked).label("checked"),
            sa.func.sum(sc.passed).label("passed"),
        )
        .where(sc.month.in_(period.months))
        .group_by(sc.team_id)
        .subquery("checks")
    )
    zero = sa.literal_column("0")
    query = where(
        sa.select(
            team.c.team_id,
            team.c.name,
            team.c.township_code,
            township.c.name.label("township_name"),
            sa.func.coalesce(services.c.services, zero).label("services"),
            sa.func.coalesce(services.c.points, zero).label("points"),
            sa.func.coalesce(services.c.village_services, zero).label("village_services"),
            sa.func.coalesce(members.c.members, zero).label("members"),
            sa.func.coalesce(served.c.villages, zero).label("villages"),
            sa.func.coalesce(served.c.population, zero).label("population"),
            sa.func.coalesce(checks.c.checked, zero).label("checked"),
            sa.func.coalesce(checks.c.passed, zero).label("passed"),
        )
        .select_from(
            team.join(township, township.c.township_code == team.c.township_code)
            .outerjoin(services, services.c.team_id == team.c.team_id)
            .outerjoin(members, members.c.team_id == team.c.team_id)
            .outerjoin(served, served.c.team_id == team.c.team_id)
            .outerjoin(checks, checks.c.team_id == team.c.team_id)
        )
        .order_by(team.c.township_code, team.c.team_id),
        scope.township_condition(team.c.township_code),
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    df = pd.DataFrame(rows, columns=WORKLOAD_COLUMNS)
    for col in (
        "services",
        "village_services",
        "members",
        "villages",
        "population",
        "checked",
        "passed",
    ):
        df[col] = df[col].astype(int)
    df["points"] = df["points"].astype(float)
    df["village_doctor_share"] = [
        share(v, s) for v, s in zip(df["village_services"], df["services"], strict=True)
    ]
    df["pass_rate"] = [share(p, c) for p, c in zip(df["passed"], df["checked"], strict=True)]
    return df


def member_composition(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Members by level for the teams in scope."""
    query = where(
        sa.select(team_member.c.level, sa.func.count().label("members"))
        .select_from(team_member.join(team, team.c.team_id == team_member.c.team_id))
        .group_by(team_member.c.level),
        scope.township_condition(team.c.township_code),
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["level", "members"])
