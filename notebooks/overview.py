# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: reportbook,kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Overblik

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/overview"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.pipeline.session import open_report
from helpers.publishing import figures, tables
from helpers.publishing.book import NOTEBOOK_TITLES
from helpers.publishing.pages import benchmarking as benchmarking_page
from helpers.publishing.pages import overview as page
from helpers.publishing.pages import staircase as staircase_page
from helpers.publishing.pages import trends as trends_page
from helpers.publishing.pages import waiting_outcomes as waiting_page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="overview", run_config=run_config
)
display(report.header("Overblik"))
monthly = report.page_table("trends", "trends")
goals = report.page_table("trends", "targets")
forecast = report.page_table("trends", "forecast")
backtest = report.page_table("trends", "forecast_backtest")
summary = report.page_table("staircase", "staircase_summary")
shares = report.page_table("staircase", "movement_shares")
waiting = report.page_table("waiting_outcomes", "waiting_list")
referrals = report.page_table("waiting_outcomes", "waiting_referrals")
source = f"Kilde: {report.name} Kommunes indsats- og sagsdata{' (syntetiske)' if report.synthetic else ''}."
if monthly is None and summary is None:
    display(
        report.no_data(
            f"Der er hverken indsatser eller sagshændelser for {report.name} Kommune i data, så der er intet "
            "overblik for perioden. Siderne nedenfor siger, hvad de hver især mangler.",
            page=True,
        )
    )
else:
    lines = []
    if monthly is not None:
        lines += trends_page.key_messages(monthly, forecast, report.name, report.period_end, goals, backtest)
    if summary is not None:
        lines += staircase_page.key_messages(summary, report.period_start, report.period_end)[:1]
    if waiting is not None:
        lines += waiting_page.key_messages(waiting, referrals, period_end=report.period_end)
    display(report.key_messages(lines))

# %% [markdown]
# Siden samler de vigtigste tal for kommunen i perioden på én side. Tallene er de samme som
# på de detaljerede sider, som er linket nederst.

# %% [markdown]
# ## Nøgletal og mål

# %% tags=["remove-input"]
if monthly is None:
    display(report.no_data(f"Der er ingen månedstal for {report.name} Kommune i perioden."))
else:
    display(
        tables.view(
            page.key_figures(monthly, goals),
            "Periodens sidste måned mod samme måned året før",
            monthly.note(),
        )
    )
    rate = page.placed_rate_da(
        monthly, report.page_table("benchmarking", "municipality_summary"), benchmarking_page.comparison_year(report)
    )
    if rate:
        display(report.paragraph(rate))
    years = sorted({report.period_start.year - 1, *range(report.period_start.year, report.period_end.year + 1)})
    figures.show(
        figures.monthly_lines(
            trends_page.series(monthly, "placed_children", ["I alt"]),
            f"Anbragte børn og unge ved månedens udgang – {report.name}",
            "Børn og unge",
            source,
            targets=trends_page.target_lines(report.rows("targets"), "placed_children", "I alt", years),
        )
    )

# %% [markdown]
# ## Budget og prognose

# %% tags=["remove-input"]
if forecast is None:
    display(report.no_data(f"Der er ingen indsatser for {report.name} Kommune at lave en prognose ud fra."))
else:
    display(forecast)

# %% [markdown]
# ## Bevægelser på indsatstrappen

# %% tags=["remove-input"]
if shares is None:
    display(report.no_data(f"Der er ingen børn med en indsats i {report.name} Kommune ved periodens start."))
else:
    figures.show(figures.movement_bars(shares.data, f"Bevægelser på trappen – {report.name}", source))

# %% [markdown]
# ## Tallene bag siden
#
# Tabellerne, som siden bygger på, kan hentes her (de samme filer som på de detaljerede sider).

# %% tags=["remove-input"]
for links in page.downloads(report):
    display(links)

# %% [markdown]
# ## Læs mere
#
# De detaljerede sider for samme kommune og periode:

# %% tags=["remove-input"]
display(page.links(report, NOTEBOOK_TITLES))

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
