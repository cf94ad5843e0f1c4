"""Supervisions of the providers (seed 002: "Godkendte (driftsorienterede) tilsyn")."""

import math

import pandas as pd
import pytest

from helpers.analyses import supervisions as sv
from helpers.publishing.pages import offers as offers_page
from helpers.publishing.tables import publish

T0, T1 = "2016-01-01", "2016-06-30"


def supervisions(rows):
    frame = pd.DataFrame(rows, columns=["municipality", "provider", "date", "approved", "reason"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def wilson_by_hand(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def example():
    rows = [(851, f"Opholdsstedet {k}", f"2016-0{1 + k % 6}-1{k % 9}", True, None) for k in range(9)]  # rows 0-8
    rows += [
        (851, "Hjemmet A", "2016-02-01", False, "Utilstrækkelig bemanding"),  # row 9
        (851, "Hjemmet B", "2016-03-01", False, "Mangelfuld medicinhåndtering"),  # row 10
        (851, "Hjemmet A", "2016-05-01", False, "Utilstrækkelig bemanding"),  # row 11
        (851, "Hjemmet C", "2016-04-01", False, "  "),  # row 12: no reason given
        (851, "Hjemmet C", "2015-12-31", False, "Utilstrækkelig bemanding"),  # row 13: before the period
        (851, "Hjemmet D", "2016-07-01", True, None),  # row 14: after the period
    ]
    return supervisions(rows)


def test_supervisions_approved_and_not_with_reasons_by_hand():
    units = sv.supervision_units(example(), T0, T1)
    table = sv.supervision_outcomes(units)
    got = [(r.outcome, r.reason, r.supervisions) for r in table.itertuples(index=False)]
    assert got == [
        ("I alt", "I alt", 13),
        ("Godkendt", "I alt", 9),
        ("Ikke godkendt", "I alt", 4),
        # by name, not by count (an order by count would tell a withheld count's size)
        ("Ikke godkendt", "Mangelfuld medicinhåndtering", 1),
        ("Ikke godkendt", "Utilstrækkelig bemanding", 2),
        ("Ikke godkendt", sv.NO_REASON, 1),
    ]
    low, high = wilson_by_hand(9, 13)
    assert table["share"].iloc[0] == pytest.approx(9 / 13)
    assert (table["ci_low"].iloc[0], table["ci_high"].iloc[0]) == pytest.approx((low, high))
    assert table["share"].iloc[1:].isna().all()


def test_supervision_counts_are_declared_and_small_ones_withheld(tmp_path):
    spec = offers_page.supervisions_spec(example(), T0, T1)
    members = {(c.row, c.column): sorted(c.members, key=int) for c in spec.cells}
    assert members[(2, "supervisions")] == ["9", "10", "11", "12"]
    assert members[(4, "supervisions")] == ["9", "11"]
    assert members[(1, "supervisions")] == [str(k) for k in range(9)]
    publish(spec, tmp_path)
    published = pd.read_csv(tmp_path / "supervision_outcomes.csv")
    # 4 not approved and the reasons (1, 2, 1) are 1-4: withheld; 13 - 9 would give the 4
    # back, so the total or the approved count goes too, and the share with it
    assert published.loc[2:, "supervisions"].isna().all()
    assert published.loc[:1, "supervisions"].isna().any()
    assert published["share"].isna().all()
    # none in the period, or no table at all: nothing to publish
    assert offers_page.supervisions_spec(example().iloc[[13, 14]], T0, T1) is None
    assert offers_page.supervisions_spec(supervisions([]), T0, T1) is None
