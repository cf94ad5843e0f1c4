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
