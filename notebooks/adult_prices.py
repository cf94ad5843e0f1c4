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
#   reportbook:
#     reads:
#       adult_registrations: all
# ---

# %% [markdown]
# # Voksne efter §85 og §107: pris og timer

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/adult_prices"

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import adults, prices
from helpers.data import municipalities
from helpers.publishing import figures
from helpers.publishing.pages import prices as page
from helpers.publishing.report import open_report
from helpers.publishing.tables import publish

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="adult_prices")
display(report.header("Pris og timer"))
registrations, units, pairs = adults.for_period(report.data.adult_registrations, report.period_start, report.period_end)
names = {int(c): municipalities.name(c) for c in units["municipality"].unique()}
source = f"Kilde: registreringer efter KL's SEP-metode{' (syntetiske)' if report.synthetic else ''}."
if units.empty:
    display(report.no_data("Der er ingen registreringer af voksne efter §85 eller §107 i perioden."))
else:
    display(
        report.key_messages(
            page.summary_da(units, int((units["municipality"] == report.municipality).sum()), report.name)
        )
    )

# %% [markdown]
# Siden gentager og udbygger KL's analyse af borgere i §85- og §107-tilbud (SEP-projekt 9).
# Prisen er dagsprisen for §107 og de bevilgede timer pr. måned for §85 – timer forbliver timer,
# fordi timeprisen er forskellig fra kommune til kommune. Hver sag indgår med sin første
# registrering i perioden. Tabellerne dækker alle kommuner i data; kommunen er fremhævet i
# figurerne.

# %% [markdown]
# ## Pris og timer efter VUM-score

# %% tags=["remove-input"]
if not units.empty:
    display(
        page.publish_statistics(
            prices.price_by_vum(units),
            "price_by_vum",
            output_dir,
            caption="Dagspris (§107) og timer (§85) efter samlet VUM-score",
        )
    )
    figures.show(
        figures.boxes_by(units, "vum_score", [0.0, 1.0, 2.0, 3.0, 3.5, 4.0], "Pris og timer efter VUM-score", source)
    )

# %% [markdown]
# Jo højere VUM-score (jo større funktionsnedsættelse), jo højere pris og flere timer. Spredningen
# inden for hver score er stor, så VUM-scoren forklarer kun en del af forskellene. Grupper med
# færre end 5 sager vises ikke.

# %% [markdown]
# ## Efter alder og målgruppe

# %% tags=["remove-input"]
if not units.empty:
    display(
        page.publish_statistics(
            prices.describe_by(units, ["age_group"]),
            "price_by_age",
            output_dir,
            caption="Efter alder ved registreringen",
        )
    )
    figures.show(figures.boxes_by(units, "age_group", list(adults.AGE_GROUPS_40), "Pris og timer efter alder", source))
    display(
        page.publish_statistics(
            prices.describe_by(units, ["target_group"]), "price_by_target_group", output_dir, caption="Efter målgruppe"
        )
    )

# %% [markdown]
# ## Kommunerne – før og efter justering

# %% tags=["remove-input"]
if not units.empty:
    display(
        page.publish_statistics(
            prices.describe_by(units, ["municipality"]),
            "price_by_municipality",
            output_dir,
            caption="Efter kommune (ujusteret)",
            formats={"municipality": lambda c: f"{names.get(int(c), c)} ({c})"},
        )
    )
    for service, label, percent in (
        ("§107", "Forskel fra gennemsnitskommunen i dagspris (%)", True),
        ("§85", "Forskel fra gennemsnitskommunen (timer pr. måned)", False),
    ):
        diffs = prices.municipality_differences(units, service)
        if diffs.empty:
            display(report.no_data(f"For få {service}-sager til at sammenligne kommunerne."))
            continue
        display(report.subheading(f"{service}: " + page.adjustment_summary_da(diffs, service, names)))
        published = page.publish_statistics_differences(diffs, service, output_dir, names)
        display(published)
        figures.show(
            figures.municipality_differences(
                published.data,
                report.municipality,
                names,
                f"{service}: kommunernes forskel fra gennemsnittet",
                label,
                source,
                percent=percent,
            )
        )

# %% [markdown]
# KL's rapport sammenlignede kommunerne uden at tage højde for, at borgerne har forskellige
# VUM-scorer, aldre og målgrupper, og advarede om, at sammenligningen derfor er usikker. Her er
# forskellene også beregnet med en regressionsmodel (OLS med robuste standardfejl), der
# justerer for VUM-score, aldersgruppe og målgruppe. Et interval, der dækker 0, betyder, at
# kommunen ikke kan skelnes fra gennemsnittet.

# %% [markdown]
# ## VUM-udvikling, forsørgelsesgrundlag og opfølgningsfrekvens

# %% tags=["remove-input"]
if not pairs.empty:
    display(
        publish(
            prices.vum_change(pairs),
            "vum_change",
            output_dir,
            counts=["forbedret", "uændret", "forværret", "follow_ups"],
            caption="VUM-score ved næste registrering efter score ved forrige (lavere = forbedret)",
            labels={"vum_from": "VUM ved forrige", "follow_ups": "Opfølgninger"},
        )
    )
if not units.empty:
    display(
        publish(
            prices.income_basis(units),
            "income_basis",
            output_dir,
            counts=["cases", "vum_cases"],
            statistics={
                "share": "cases",
                "vum_mean": "vum_cases",
                "vum_ci_low": "vum_cases",
                "vum_ci_high": "vum_cases",
            },
            caption="Forsørgelsesgrundlag og gennemsnitlig VUM-score (95 %-interval)",
            labels={
                "income_basis": "Forsørgelsesgrundlag",
                "vum_cases": "Sager med VUM",
                "vum_mean": "Gns. VUM",
                "vum_ci_low": "95 %-KI nedre",
                "vum_ci_high": "95 %-KI øvre",
            },
        )
    )
if not pairs.empty:
    months = prices.months_between(pairs)
    published = publish(
        months,
        "months_between",
        output_dir,
        counts=["follow_ups"],
        statistics=dict.fromkeys(("mean_months", "ci_low", "ci_high", "median_months"), "follow_ups"),
        caption="Måneder mellem registreringer pr. kommune",
        formats={"municipality": lambda c: f"{names.get(int(c), c)} ({c})"},
        labels={"follow_ups": "Opfølgninger", "mean_months": "Gns. måneder", "median_months": "Median"},
    )
    display(published)

# %% [markdown]
# VUM-scoren ændrer sig sjældent fra en registrering til den næste. Opfølgningen sker i
# gennemsnit hvert 10.–12. måned; intervallerne viser, om forskellen mellem kommunerne er større,
# end tilfældigheder kan forklare.

# %% [markdown]
# ## VUM-bogstav og støttebogstav i København

# %% tags=["remove-input"]
agreement = prices.letter_agreement(prices.records_from_crosstab(prices.published_support_letters()))
table = agreement["table"].reset_index()
display(
    publish(
        table,
        "kbh_vum_support_letter",
        output_dir,
        counts=list("ABCDE"),
        caption="Støttebogstav (rækker) mod almindeligt VUM-bogstav (kolonner), København, 912 borgere",
        labels={"support_letter": "Støttebogstav"},
    )
)
display(
    report.key_messages(
        [
            f"{100 * agreement['diagonal_share']:.1f} % af borgerne har samme støttebogstav og VUM-bogstav.".replace(
                ".", ","
            ),
            (
                f"Vægtet kappa (lineære vægte) er {agreement['kappa']:.2f} (95 %-interval "
                f"{agreement['kappa_low']:.2f}–{agreement['kappa_high']:.2f}): god, men ikke fuld overensstemmelse."
            ).replace(".", ","),
        ]
    )
)

# %% [markdown]
# Tabellen er de offentliggjorte tal fra KL's rapport (ikke syntetiske); bogen genskaber den fra
# enkeltregistreringer og måler overensstemmelsen. Borgere med støttebogstav F og G har et
# lavere VUM-bogstav, fordi støttebogstavet også afspejler behov, som VUM-bogstavet ikke fanger.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
