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
# # Ventelister og resultater

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/waiting_outcomes"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.pipeline.session import open_report
from helpers.publishing import figures, tables
from helpers.publishing.pages import waiting_outcomes as page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="waiting_outcomes", run_config=run_config
)
display(report.header("Ventelister og resultater"))
has_waiting = "waiting_list" in report.specs
has_absence = "school_absence" in report.specs
has_absence_groups = "school_absence_groups" in report.specs
has_change = "function_change" in report.specs
has_goals = "goal_attainment" in report.specs
source = (
    f"Kilde: {report.name} Kommunes venteliste, indsatser og målinger{' (syntetiske)' if report.synthetic else ''}."
)
waiting = report.table("waiting_list") if has_waiting else None
referrals = report.table("waiting_referrals") if has_waiting else None
absence = report.table("school_absence") if has_absence else None
absence_groups = report.table("school_absence_groups") if has_absence_groups else None
change = report.table("function_change") if has_change else None
goals = report.table("goal_attainment") if has_goals else None
if not (has_waiting or has_absence or has_change or has_goals):
    display(
        report.no_data(
            f"Der er hverken venteliste eller målinger af skolefravær og funktionsniveau for {report.name} Kommune "
            "i perioden.",
            page=True,
        )
    )
else:
    messages = page.key_messages(waiting, referrals, absence, change, report.period_end)
    display(report.key_messages([*messages, page.goal_message(goals) if has_goals else None]))

# %% [markdown]
# Socialstyrelsens eksempel på ledelsesinformation om udsatte børn og unge nævner antallet af børn
# og unge på venteliste, skolefravær og udviklingen i funktionsniveau som nøgletal for den faglige
# indsats og dens resultater. Siden viser dem efter trin på indsatstrappen.

# %% [markdown]
# ## Ventelister

# %% tags=["remove-input"]
if has_waiting:
    display(
        tables.view(
            page.waiting_view(waiting, referrals),
            waiting.caption,
            waiting.note() + " «ikke nået»: under halvdelen af henvisningerne var gået i gang ved periodens slutning.",
        ),
        waiting.downloads("Hent ventelisten"),
        referrals.downloads("Hent henvisningerne"),
    )
    figures.show(
        figures.estimates_with_intervals(
            page.medians(waiting),
            f"Median ventetid fra henvisning til start efter trin – {report.name}",
            "Dage",
            source,
        )
    )
    if "waiting_by_group" in report.specs:
        display(report.table("waiting_by_group"))
elif has_absence or has_change:
    display(report.no_data(f"Der er ingen venteliste for {report.name} Kommune i data."))

# %% [markdown]
# ## Skolefravær

# %% tags=["remove-input"]
if has_absence:
    display(absence)
    figures.show(
        figures.estimates_with_intervals(
            page.absence_points(absence),
            f"Skolefravær efter trin og år – {report.name}",
            "Gennemsnitligt fravær",
            source,
            unit=" %",
        )
    )
if has_absence_groups:
    display(absence_groups)
    figures.show(
        figures.estimates_with_intervals(
            page.absence_group_points(absence_groups),
            f"Skolefravær for anbragte og forebyggende og efter alder – {report.name}",
            "Gennemsnitligt fravær",
            source,
            unit=" %",
        )
    )
elif has_waiting:
    display(report.no_data(f"Der er ingen målinger af skolefravær for {report.name} Kommune i perioden."))

# %% [markdown]
# ## Funktionsniveau

# %% tags=["remove-input"]
if has_change:
    display(change)
elif has_waiting:
    display(
        report.no_data(f"Der er ingen børn med to målinger af funktionsniveau for {report.name} Kommune i perioden.")
    )

# %% [markdown]
# ## Målopfyldelse
#
# Andelen af børn, hvis mål i handleplanen var nået ved den seneste opfølgning i perioden, for
# anbragte og børn med forebyggende indsatser og for socialt udsatte og handicappede børn, som
# Socialstyrelsens nøgletal beder om. Om barnet er anbragt, og hvilken målgruppe det hører til,
# er taget fra den indsats, der giver barnets trin på opfølgningens dato.

# %% tags=["remove-input"]
if has_goals:
    display(goals)
elif has_waiting or has_absence or has_change:
    display(report.no_data(f"Der er ingen opfølgninger på børnenes mål for {report.name} Kommune i perioden."))

# %% [markdown]
# ## Definitioner
#
# - **Børn på venteliste**: unikke børn og unge, der var henvist til en foranstaltning senest på
#   periodens sidste dag og ikke var begyndt den dag (ingen startdato eller en senere startdato).
#   Et barn, der venter på to foranstaltninger på forskellige trin, tæller på begge trin og én gang
#   i «I alt»; en foranstaltning uden trin tæller kun i «I alt».
# - **Ventetid**: dage fra henvisning til start for henvisninger givet i perioden. En ventetid, der
#   ikke var slut ved periodens slutning, er censureret dér (Kaplan-Meier). Medianen er den første
#   ventetid, hvor under halvdelen stadig venter; «ikke nået» betyder, at kurven ikke kom under
#   50 % (eller at intervallets øvre grænse ligger uden for det observerede). 95 %-intervallet er
#   Brookmeyer-Crowley med log-log-transformation.
# - **Skolefravær**: målinger af fravær i procent i perioden. En måling hører til barnets højeste
#   aktive trin på måledagen; målinger af børn uden en aktiv indsats den dag er udeladt. Hvert barn
#   tæller én gang pr. år og trin med gennemsnittet af sine målinger; intervallet er et
#   t-interval over børnenes gennemsnit.
# - **Ændring i funktionsniveau**: for børn med mindst to målinger i perioden sidste minus første
#   måling (point på kommunens skala); trinnet er trinnet ved første måling.
# - **Mål nået**: barnets seneste opfølgning i perioden (registreret som 1: målet er nået, 0: ikke
#   nået), når barnet havde en aktiv indsats den dag; intervallet er Wilsons 95 %-interval.
# - Middelværdier og medianer, der bygger på 1-4 børn eller henvisninger, vises ikke («..»).

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
