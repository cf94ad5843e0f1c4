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
# # Voksne efter §85 og §107: pris og timer

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/adult_prices"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import adults
from helpers.data import municipalities
from helpers.pipeline.session import open_report
from helpers.publishing import figures
from helpers.publishing.pages import prices as page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="adult_prices", run_config=run_config
)
display(report.header("Pris og timer"))
registrations, units, pairs = adults.for_period(report.data.adult_registrations, report.period_start, report.period_end)
names = {int(c): municipalities.name(c) for c in units["municipality"].unique()}
source = f"Kilde: registreringer efter KL's SEP-metode{' (syntetiske)' if report.synthetic else ''}."
has_units = "price_by_vum" in report.specs
if not has_units:
    display(report.no_data("Der er ingen registreringer af voksne efter §85 eller §107 i perioden.", page=True))
else:
    by_vum, by_age = report.table("price_by_vum"), report.table("price_by_age")
    by_municipality = report.table("price_by_municipality")
    display(report.key_messages(page.key_messages(by_vum, by_age, by_municipality, report.municipality, report.name)))

# %% [markdown]
# Siden gentager og udbygger KL's analyse af borgere i §85- og §107-tilbud (SEP-projekt 9).
# Prisen er dagsprisen for §107 og de bevilgede timer pr. måned for §85 – timer forbliver timer,
# fordi timeprisen er forskellig fra kommune til kommune. Som i KL's figurer 3.1-3.3 og 3.13-3.16
# indgår hver sag med sin første registrering (registrering nr. 1); sagerne er dem med mindst én
# registrering i perioden. Tabellerne dækker alle kommuner i data; kommunen er fremhævet i
# figurerne.

# %% [markdown]
# ## Sagerne: registreringer, ydelse og leverandør

# %% tags=["remove-input"]
for name in ("registrations_per_case", "service_and_provider"):
    if name in report.specs:
        display(report.table(name))

# %% [markdown]
# ## Pris og timer efter VUM-score

# %% tags=["remove-input"]
if has_units:
    display(by_vum)
    figures.show(
        figures.boxes_by(
            units, "vum_score", [0.0, 1.0, 2.0, 3.0, 3.5, 4.0], "Pris og timer efter VUM-score", source, by_vum
        )
    )

# %% tags=["remove-input"]
if has_units:
    display(report.paragraph(" ".join(page.vum_pattern_da(by_vum))))

# %% [markdown]
# En højere VUM-score betyder en større funktionsnedsættelse. Sætningerne ovenfor er skrevet ud fra
# de viste medianer og kvartiler; er spredningen inden for en score større end forskellen mellem
# scorerne, forklarer VUM-scoren kun en del af forskellene.

# %% [markdown]
# ## Efter alder og målgruppe

# %% tags=["remove-input"]
if has_units:
    display(by_age)
    figures.show(
        figures.boxes_by(units, "age_group", list(adults.AGE_GROUPS_40), "Pris og timer efter alder", source, by_age)
    )
    display(report.table("price_by_target_group"))

# %% [markdown]
# ## Kommunerne – før og efter justering

# %% tags=["remove-input"]
if has_units:
    display(by_municipality)
    for service, label, percent in (
        ("§107", "Forskel fra gennemsnitskommunen i dagspris (%)", True),
        ("§85", "Forskel fra gennemsnitskommunen (timer pr. måned)", False),
    ):
        name = f"municipality_differences_{service.strip('§')}"
        if name not in report.specs:
            display(report.no_data(f"For få {service}-sager til at sammenligne kommunerne."))
            continue
        published = report.table(name)
        display(report.subheading(f"{service}: " + page.adjustment_summary_da(published.data, service, names)))
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
# forskellene også beregnet med en regressionsmodel (OLS med robuste HC3-standardfejl og
# t-intervaller), der justerer for VUM-score, aldersgruppe og målgruppe. Grupper med færre end 5
# sager indgår i «andet» (og udelades, hvis «andet» stadig har færre end 5). Intervallet er
# intervallet for selve forskellen mellem kommunen og gennemsnitskommunen: de forskelle, data er
# forenelige med. Om to kommuners intervaller overlapper, siger ikke, om de to kommuner er
# forskellige; det gør kun et interval for deres indbyrdes forskel.

# %% [markdown]
# ## VUM-udvikling, forsørgelsesgrundlag og opfølgningsfrekvens

# %% tags=["remove-input"]
findings = []
for name in ("vum_change_1_2", "vum_change_2_3", "income_basis", "income_transition", "months_between"):
    if name in report.specs:
        display(report.table(name))
        if name.startswith("vum_change"):
            findings.append(page.vum_change_da(report.table(name), int(name[-3])))
        elif name == "months_between":
            findings.append(page.months_between_da(report.table(name)))
if findings:
    display(report.paragraph(" ".join(findings)))

# %% [markdown]
# Som i KL's figur 3.4 og 3.5 vises 1. til 2. og 2. til 3. registrering hver for sig.

# %% tags=["remove-input"]
# KL's published comparison for København: shown on København's own pages only (it is the
# same public table for every municipality).
if report.municipality == page.KOBENHAVN:
    agreement = page.prices.letter_agreement(page.prices.records_from_crosstab(page.prices.published_support_letters()))
    display(report.section("VUM-bogstav og støttebogstav i København"))
    display(report.table("kbh_vum_support_letter"))
    display(report.key_messages(page.letter_messages(agreement)))
    display(
        report.paragraph(
            "Tabellen er de offentliggjorte tal fra KL's rapport (ikke syntetiske); bogen genskaber den fra "
            "enkeltregistreringer og måler overensstemmelsen. Borgere med støttebogstav F og G har et lavere "
            "VUM-bogstav, fordi støttebogstavet også afspejler behov, som VUM-bogstavet ikke fanger."
        )
    )

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
