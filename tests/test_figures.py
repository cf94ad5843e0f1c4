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


def movement_shares(step, down, same, up):
    """A published movement-shares table of one step (intervals of ±0,1 around each share)."""
    shares = [down, same, up]
    return pd.DataFrame(
        {
            "from_step": [step] * 3,
            "direction": ["ned", "samme", "op"],
            "share": shares,
            "ci_low": [max(0.0, v - 0.1) for v in shares],
            "ci_high": [min(1.0, v + 0.1) for v in shares],
        }
    )


def test_bars_are_named_by_their_legend_and_category():
    shares = movement_shares(5, 0.25, 0.6, 0.15)
    alt = drawn(figures.movement_bars(shares, "Bevægelser – Aalborg", "Kilde."))
    assert "3 værdier" in alt and "højest Samme trin, 5. Plejefamilie 60 %" in alt
    assert "lavest Op, 5. Plejefamilie 15 %" in alt


def test_a_figure_without_numbers_says_so():
    fig, ax = plt.subplots()
    fig.suptitle("Tom")
    alt = drawn(fig)
    assert alt == "Figur: Tom. Figuren viser ingen tal. Tallene står i tabellen på siden."


def test_box_plots_are_described_by_their_medians():
    fig, ax = plt.subplots()
    boxes = ax.boxplot([[1.0, 2.0, 3.0, 10.0], [5.0, 6.0, 7.0]], whis=(10, 90), showfliers=False)
    for median in boxes["medians"]:
        median.set_gid("median")
    ax.set_xticks([1, 2], ["18-29 år", "30-49 år"])
    fig.suptitle("Pris efter alder")
    alt = drawn(fig)
    # by hand: the medians are 2,5 (18-29) and 6 (30-49)
    assert "2 værdier" in alt and "højest median, 30-49 år 6" in alt and "lavest median, 18-29 år 2,5" in alt


# ---------------------------------------------- contrast and more than colour (#26, item 4)


def contrast_on_white(colour) -> float:
    """WCAG 2.1 contrast ratio of ``colour`` against white (relative luminance, computed here)."""
    import matplotlib.colors

    r, g, b = matplotlib.colors.to_rgb(colour)

    def channel(v):
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def data_colours(fig):
    """The colours of everything drawn from data: lines and markers, bars, dots."""
    import matplotlib.collections
    import matplotlib.container

    found = []
    for ax in fig.axes:
        for line in ax.lines:
            if (
                line.get_transform() == ax.transData
                and len(line.get_xdata()) > 2
                or line.get_marker()
                not in (
                    "None",
                    "",
                    None,
                )
            ):
                found.append(line.get_color())
        for container in ax.containers:
            if isinstance(container, matplotlib.container.BarContainer):
                found += [bar.get_facecolor() for bar in container.patches]
        for collection in ax.collections:
            if isinstance(collection, matplotlib.collections.PathCollection):
                found += list(collection.get_facecolors()) + list(collection.get_edgecolors())
    return [c for c in found if len(c) < 4 or c[3] > 0]  # transparent faces (hollow dots) are no colour


def sample_figures():
    months = pd.date_range("2014-01-31", periods=36, freq="ME")
    series = pd.DataFrame(
        {"date": months, "year": months.year, "month": months.month, "value": range(36), "group": "I alt"}
    )
    shares = movement_shares(1, 0.2, 0.5, 0.3)
    ranked = pd.DataFrame(
        {
            "figure": ["a"] * 5,
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
            "focal": [False, False, True, False, False],
            "same_region": [True, False, False, True, False],
            "average": 3.0,
            "rank": 3,
            "of": 5,
        }
    )
    amounts = pd.DataFrame(
        {"district": ["Nord", "Nord", "Syd", "Syd"], "kr": [10.0, 12.0, 11.0, 9.0], "amount": ["Pris", "Vederlag"] * 2}
    )
    estimates = pd.DataFrame(
        {
            "label": ["a", "a", "a", "b", "b", "b"],
            "value": [1.0, 2.0, 3.0, 2.0, 3.0, 4.0],
            "low": [0.5, 1.5, 2.5, 1.5, 2.5, 3.5],
            "high": [1.5, 2.5, 3.5, 2.5, 3.5, 4.5],
            "group": ["2014", "2015", "2016"] * 2,
        }
    )
    return {
        "monthly_lines": figures.monthly_lines(series, "t", "Børn", "k."),
        "movement_bars": figures.movement_bars(shares, "t", "k."),
        "ranked_dots": figures.ranked_dots(ranked, {"a": "Figur a"}, "t", "k."),
        "amount_bars": figures.amount_bars(amounts, "t", "k."),
        "estimates_with_intervals": figures.estimates_with_intervals(estimates, "t", "x", "k."),
    }


def test_every_data_colour_has_3_to_1_contrast_on_white():
    for name, fig in sample_figures().items():
        colours = data_colours(fig)
        assert colours, name
        weakest = min(colours, key=contrast_on_white)
        assert contrast_on_white(weakest) >= 3.0, (name, weakest, contrast_on_white(weakest))
        plt.close(fig)


def test_series_differ_by_more_than_colour():
    drawn_figures = sample_figures()
    lines = drawn_figures["monthly_lines"].axes[0].lines
    markers = {line.get_marker() for line in lines if len(line.get_xdata()) > 2}
    assert len(markers) == 3  # three years, three markers
    import matplotlib.container

    bars = [
        c for c in drawn_figures["movement_bars"].axes[0].containers if isinstance(c, matplotlib.container.BarContainer)
    ]
    assert len({container.patches[0].get_hatch() for container in bars}) == 3
    dots = drawn_figures["ranked_dots"].axes[0].collections
    assert len({collection.get_paths()[0].vertices.shape for collection in dots}) >= 2  # circle, square, diamond
    for fig in drawn_figures.values():
        plt.close(fig)


def test_the_contrast_formula_matches_wcag_examples():
    assert round(contrast_on_white("#000000"), 1) == 21.0
    assert round(contrast_on_white("#767676"), 2) == 4.54  # WCAG's familiar 4.5:1 grey
    assert contrast_on_white("#ffffff") == 1.0


def test_panels_are_described_each_by_itself():
    fig, (price, hours) = plt.subplots(1, 2)
    price.bar([0, 1], [2000.0, 2500.0])
    price.set_xticks([0, 1], ["18-29 år", "30-49 år"])
    price.set_title("Pris pr. døgn", loc="left")
    hours.bar([0, 1], [12.0, 30.0])
    hours.set_xticks([0, 1], ["18-29 år", "30-49 år"])
    hours.set_title("Timer pr. måned", loc="left")
    fig.suptitle("Pris og timer efter alder")
    alt = drawn(fig)
    # by hand: kroner and hours are never compared with each other
    assert "4 værdier i 2 paneler" in alt
    assert "Pris pr. døgn: højest 30-49 år 2.500, lavest 18-29 år 2.000" in alt
    assert "Timer pr. måned: højest 30-49 år 30, lavest 18-29 år 12" in alt


def test_ranked_dots_are_read_along_their_values():
    ranked = pd.DataFrame(
        {
            "figure": ["a"] * 4,
            "value": [0.75, 1.0, 1.1, 1.3],
            "focal": [False, True, False, False],
            "same_region": [False, False, True, False],
            "average": 1.0,
            "rank": 2,
            "of": 4,
        }
    )
    alt = drawn(figures.ranked_dots(ranked, {"a": "Udgiftsniveau"}, "Aalborg blandt landets kommuner", "Kilde."))
    # by hand: four municipalities; the values run along x, the ranks (no labels) along y
    assert "4 værdier" in alt and "højest 1,3" in alt and "lavest 0,75" in alt, alt
    assert "1 værdi;" in drawn(
        figures.monthly_lines(
            pd.DataFrame(
                {
                    "date": pd.to_datetime(["2016-01-31"]),
                    "year": [2016],
                    "month": [1],
                    "value": [7.0],
                    "group": ["I alt"],
                }
            ),
            "Én måned",
            "Børn",
            "Kilde.",
        )
    )
