"""Figures: Danish tick labels on every numeric axis, in one place (figures.show)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers.publishing.figures import danish_axes, danish_tick  # noqa: E402


def test_tick_labels_are_danish():
    assert danish_tick("0.8") == "0,8"
    assert danish_tick("12000") == "12.000"
    assert danish_tick("\u22121234.5") == "\u22121.234,5"
    assert danish_tick("-2.0") == "\u22122,0"
    assert danish_tick("Aalborg") == "Aalborg"


def test_every_numeric_axis_of_a_figure_reads_danish():
    fig, ax = plt.subplots()
    ax.plot([0, 15000], [0.0, 1.0])
    ax.set_xticks([0, 5000, 10000, 15000])
    ax.set_yticks([0.0, 0.5, 1.0])
    danish_axes(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "5.000", "10.000", "15.000"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0,0", "0,5", "1,0"]
    plt.close(fig)


# ------------------------------------------------------------ text alternatives (#26, item 2)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from helpers.publishing import figures  # noqa: E402


def drawn(fig):
    from IPython.core.pylabtools import print_figure

    figures.danish_axes(fig)
    print_figure(fig, "png", bbox_inches="tight")
    return figures.describe(fig)


def test_the_text_alternative_names_the_highest_and_lowest_published_value():
    months = pd.to_datetime(["2016-01-31", "2016-02-29", "2016-03-31"] * 2)
    series = pd.DataFrame(
        {
            "date": months,
            "year": [2016] * 3 + [2015] * 3,
            "month": [1, 2, 3] * 2,
            "value": [1120, 1350, np.nan, 1110, 1180, 1210],  # March 2016 withheld: not drawn
            "group": ["I alt"] * 6,
        }
    )
    alt = drawn(figures.monthly_lines(series, "Anbragte børn – Aalborg", "Børn", "Kilde: test."))
    # by hand: five values drawn; the highest is February 2016 (1.350), the lowest January 2015
    assert alt.startswith("Figur: Anbragte børn – Aalborg. 5 værdier;")
    assert "højest 2016, feb 1.350" in alt and "lavest 2015, jan 1.110" in alt
    assert "nan" not in alt.casefold() and ".png" not in alt and len(alt) <= figures.ALT_CHARS


def test_bars_are_named_by_their_legend_and_category():
    shares = pd.DataFrame(
        {
            "from_step": [5, 5, 5],
            "direction": ["ned", "samme", "op"],
            "share": [0.25, 0.6, 0.15],
            "ci_low": [0.1, 0.4, 0.05],
            "ci_high": [0.4, 0.8, 0.3],
        }
    )
    alt = drawn(figures.movement_bars(shares, "Bevægelser – Aalborg", "Kilde."))
    assert "3 værdier" in alt and "højest Samme trin, 5. Plejefamilie 60 %" in alt
    assert "lavest Op, 5. Plejefamilie 15 %" in alt


def test_a_figure_without_numbers_says_so():
    fig, ax = plt.subplots()
    fig.suptitle("Tom")
    alt = drawn(fig)
    assert alt == "Figur: Tom. Figuren viser ingen tal (ingen kan offentliggøres). Tallene står i tabellen på siden."
