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
# # Voksne efter §85 og §107: mål og opfølgning

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/goal_attainment"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import adults, goals
from helpers.pipeline.session import open_report
from helpers.publishing import figures
from helpers.publishing.pages import goals as page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="goal_attainment", run_config=run_config
)
display(report.header("Mål og opfølgning"))
registrations, units, pairs = adults.for_period(report.data.adult_registrations, report.period_start, report.period_end)
source = f"Kilde: registreringer efter KL's SEP-metode{' (syntetiske)' if report.synthetic else ''}."
has_attainment = "goal_attainment_by_municipality" in report.specs
if not has_attainment:
    display(report.no_data("Der er ingen opfølgninger med registreret målopfyldelse i perioden.", page=True))
else:
    attainment = report.table("goal_attainment_by_municipality")
    display(report.key_messages(page.key_messages(attainment, report.municipality, report.name)))

# %% [markdown]
# Siden gentager og udbygger KL's analyse af mål og opfølgning for borgere i §85- og
# §107-tilbud (SEP-projekt 9): om der er sat mål, hvilke, om de nås ved næste registrering, og
# hvem der tager initiativ til opfølgningen. Hvor rapporten kun kunne sammenligne andele, viser
# bogen også usikkerheden og en model, der tager højde for borgernes forskelle.

# %% [markdown]
# ## Målopfyldelse pr. kommune

# %% tags=["remove-input"]
if has_attainment:
    display(attainment)
    shown = attainment.data[attainment.data["municipality"] != "I alt"]
    figures.show(
        figures.share_with_intervals(
            shown.assign(name=shown["municipality"].map(page.municipality_label)),
            "name",
            "share_met_or_partly",
            "ci_low",
            "ci_high",
            "Andel opfølgninger, hvor målet er helt eller delvist opfyldt",
            "Andel helt eller delvist opfyldt",
            source,
            highlight=page.municipality_label(report.municipality),
        )
    )

# %% [markdown]
# Som i KL's figur 3.11: målopfyldelsen fra 1. til 2. registrering for borgere, hvis mål ved 1.
# registrering var bedre funktionsevne («forbedring»), opgjort ved 2. registreringer i perioden.
# Intervallerne er 95 %-Wilson-intervaller for den enkelte kommunes andel. Tabellen nedenfor
# viser det samme over alle opfølgninger og alle måltyper for alle kommuner under ét (pr.
# kommune ville den ligge over figurens tal og koste tilbageholdte andele i begge).

# %% tags=["remove-input"]
if "goal_attainment_all_followups" in report.specs:
    display(report.table("goal_attainment_all_followups"))

# %% [markdown]
# ## Mål, måltyper og VUM-mål

# %% tags=["remove-input"]
for name in ("goal_set_by_municipality", "goal_types", "vum_and_target"):
    if name in report.specs:
        display(report.table(name))

# %% [markdown]
# ## Målopfyldelse efter måltype og initiativ til opfølgning

# %% tags=["remove-input"]
for name in ("attainment_by_goal_type_1_2", "attainment_by_goal_type_2_3", "initiators"):
    if name in report.specs:
        display(report.table(name))

# %% [markdown]
# ## Hvad hænger sammen med, at målet nås?

# %% tags=["remove-input"]
if "goal_model_info" in report.specs:
    info_table = report.table("goal_model_info")
    model, info = goals.goal_model(pairs)
    display(report.subheading(page.model_warning_da(info, info_table)))
    data = goals.model_frame(pairs)
    columns = ["odds_ratio", "ci_low", "ci_high", "p_value"]
    if info.get("fitted"):
        display(
            report.publish(
                page.model_spec(
                    model,
                    data,
                    "goal_model",
                    "goal_model_n",
                    "Logistisk regression (GEE, kommune som klynge): odds for helt/delvist opfyldt mål",
                    columns,
                )
            )
        )
    ordered, ordered_info = goals.ordered_model(pairs)
    if ordered_info.get("fitted"):
        display(report.subheading(page.method_note_da(ordered_info)))
        display(
            report.publish(
                page.model_spec(
                    ordered,
                    data,
                    "goal_model_ordered",
                    "goal_model_n",
                    "Ordinal logit (nej < delvist < ja): odds for et højere niveau",
                    columns,
                )
            )
        )
    else:
        display(report.no_data(f"{ordered_info['reason']} Den ordinale model vises derfor ikke."))
    display(info_table.downloads("Modellernes størrelse"))

# %% [markdown]
# En odds ratio over 1 betyder, at målet oftere nås. Intervallet er de værdier af sammenhængen,
# som data er forenelige med: et interval fra 0,8 til 2,5 rummer både en lille negativ og en
# stor positiv sammenhæng, så data kan ikke afgøre retningen. Kommunerne indgår som klynger, så
# borgere i samme kommune ikke tælles som uafhængige, og med kun få kommuner er intervallerne
# beregnet med t-fordelingen med antal kommuner minus 1 frihedsgrader. Grupper med færre end 5
# opfølgninger indgår ikke som egne led. Modellen beskriver sammenhænge, ikke årsager.

# %% [markdown]
# ## Ændring i pris og timer efter målopfyldelse

# %% tags=["remove-input"]
if "price_change_by_attainment" in report.specs:
    display(report.table("price_change_by_attainment"))
    for service, unit in (("§107", "ændring i dagspris (%)"), ("§85", "ændring i timer pr. måned")):
        change = goals.price_change_model(pairs, service)
        if change.empty:
            display(report.no_data(f"For få {service}-opfølgninger til at beregne sammenhængen."))
            continue
        display(
            report.publish(
                page.model_spec(
                    change,
                    goals.price_change_data(pairs, service),
                    f"price_change_model_{service.strip('§')}",
                    f"price_change_n_{service}",
                    f"{service}: {unit} efter målopfyldelse, mål om bedre funktionsevne (forskel fra ikke "
                    "opfyldt; klyngerobuste standardfejl, t-interval med antal kommuner minus 1 frihedsgrader)",
                    ["estimate", "ci_low", "ci_high", "p_value"],
                )
            )
        )

# %% tags=["remove-input"]
if "price_change_by_attainment" in report.specs:
    display(report.paragraph(page.price_change_da(report.table("price_change_by_attainment"))))

# %% [markdown]
# ### Pr. kommune
#
# KL's figur 3.18 viser det samme for hver kommune, begge ydelser samlet.

# %% tags=["remove-input"]
if "price_change_by_municipality" in report.specs:
    display(report.table("price_change_by_municipality"))
    display(report.paragraph(page.price_change_municipalities_da(report.table("price_change_by_municipality"))))
else:
    display(report.no_data("Ingen opfølgninger af mål om bedre funktionsevne i perioden."))

# %% [markdown]
# Som i KL's figur 3.17 og 3.18 indgår kun mål om bedre funktionsevne, og «mål opfyldt» omfatter
# borgere, der helt eller delvist har opfyldt målet. Modellen viser forskellen mellem opfyldt og
# ikke opfyldt med et interval for selve forskellen: dækker det 0, kan data ikke afgøre, om pris og
# timer ændres mere eller mindre, når målet nås.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
