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
# # Voksne efter §85 og §107: mål og opfølgning

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/goal_attainment"

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import adults, goals
from helpers.data import municipalities
from helpers.publishing import figures
from helpers.publishing.formats import pct1_da
from helpers.publishing.pages import goals as page
from helpers.publishing.report import open_report
from helpers.publishing.tables import publish

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="goal_attainment")
display(report.header("Mål og opfølgning"))
registrations, units, pairs = adults.for_period(report.data.adult_registrations, report.period_start, report.period_end)
attainment = goals.attainment_by_municipality(registrations, report.period_start, report.period_end)
names = {int(c): municipalities.name(c) for c in registrations["municipality"].unique()}
source = f"Kilde: registreringer efter KL's SEP-metode{' (syntetiske)' if report.synthetic else ''}."
pct = pct1_da
mun = lambda c: f"{names.get(int(c), c)} ({c})"
if attainment.empty:
    display(report.no_data("Der er ingen opfølgninger med registreret målopfyldelse i perioden."))
else:
    display(report.key_messages(page.summary_da(attainment, report.municipality, report.name)))

# %% [markdown]
# Siden gentager og udbygger KL's analyse af mål og opfølgning for borgere i §85- og
# §107-tilbud (SEP-projekt 9): om der er sat mål, hvilke, om de nås ved næste registrering, og
# hvem der tager initiativ til opfølgningen. Hvor rapporten kun kunne sammenligne andele, viser
# bogen også usikkerheden og en model, der tager højde for borgernes forskelle.

# %% [markdown]
# ## Målopfyldelse pr. kommune

# %% tags=["remove-input"]
if not attainment.empty:
    published = page.publish_attainment(attainment, output_dir, names)
    display(published)
    figures.show(
        figures.share_with_intervals(
            published.data.assign(name=published.data["municipality"].map(mun)),
            "name",
            "share_met_or_partly",
            "ci_low",
            "ci_high",
            "Andel opfølgninger, hvor målet er helt eller delvist opfyldt",
            "Andel helt eller delvist opfyldt",
            source,
            highlight=mun(report.municipality),
        )
    )

# %% [markdown]
# Målopfyldelsen er opgjort ved hver opfølgning (registrering nr. 2 og senere) i perioden: var
# målet fra forrige registrering opfyldt? Intervallerne er 95 %-Wilson-intervaller; kommuner,
# hvis intervaller overlapper, kan ikke siges at være forskellige.

# %% [markdown]
# ## Mål, måltyper og VUM-mål

# %% tags=["remove-input"]
if not units.empty:
    display(
        publish(
            goals.goal_set_by_municipality(units),
            "goal_set_by_municipality",
            output_dir,
            counts=["cases", "goal_set"],
            statistics=dict.fromkeys(("share", "ci_low", "ci_high"), ("cases", "goal_set")),
            caption="Andel sager med et mål (første registrering i perioden)",
            formats={"municipality": mun, "share": pct, "ci_low": pct, "ci_high": pct},
            labels={"goal_set": "Med mål", "share": "Andel med mål"},
        )
    )
    display(
        publish(
            goals.goal_types(units),
            "goal_types",
            output_dir,
            counts=["cases", "municipality_cases"],
            totals={"cases": ("municipality", "municipality_cases")},
            statistics={"share": ("cases", "municipality_cases")},
            caption="Måltyper pr. kommune",
            formats={"municipality": mun, "share": pct},
            labels={"goal_type": "Måltype", "municipality_cases": "Sager med mål i kommunen"},
        )
    )
    display(
        publish(
            goals.vum_and_target(units),
            "vum_and_target",
            output_dir,
            counts=["cases"],
            statistics={"vum_mean": "cases", "vum_target_mean": "cases"},
            caption="Gennemsnitlig VUM-score og VUM-mål (sager med et VUM-mål)",
            formats={"municipality": mun},
            labels={"vum_mean": "Gns. VUM", "vum_target_mean": "Gns. VUM-mål"},
        )
    )

# %% [markdown]
# ## Målopfyldelse efter måltype og initiativ til opfølgning

# %% tags=["remove-input"]
if not pairs.empty:
    display(
        publish(
            goals.attainment_by_goal_type(pairs),
            "attainment_by_goal_type",
            output_dir,
            counts=["follow_ups", "n"],
            totals={"follow_ups": ("goal_type", "n")},
            statistics={"share": ("follow_ups", "n")},
            caption="Målopfyldelse ved næste registrering efter måltype",
            formats={"share": pct},
            labels={"goal_type": "Måltype", "goal_met": "Mål opfyldt", "follow_ups": "Opfølgninger", "n": "I alt"},
        )
    )
initiated = goals.initiators(registrations, report.period_start, report.period_end)
if not initiated.empty:
    display(
        publish(
            initiated,
            "initiators",
            output_dir,
            counts=["follow_ups", "n"],
            statistics={"share": ("follow_ups", "n")},
            totals={"follow_ups": ("municipality", "n")},
            caption="Hvem tog initiativ til opfølgningen?",
            formats={"municipality": mun, "share": pct},
            labels={"initiator": "Initiativ", "follow_ups": "Opfølgninger", "n": "I alt"},
        )
    )

# %% [markdown]
# ## Hvad hænger sammen med, at målet nås?

# %% tags=["remove-input"]
model, info = goals.goal_model(pairs)
display(report.subheading(page.model_warning_da(info)))
if info.get("fitted"):
    display(
        publish(
            model,
            "goal_model",
            output_dir,
            caption="Logistisk regression (GEE, kommune som klynge): odds for helt/delvist opfyldt mål",
            formats={
                "term": page.term_label,
                "odds_ratio": lambda v: f"{v:.2f}".replace(".", ","),
                "ci_low": lambda v: f"{v:.2f}".replace(".", ","),
                "ci_high": lambda v: f"{v:.2f}".replace(".", ","),
                "p_value": lambda v: f"{v:.3f}".replace(".", ","),
            },
            labels={"n": "Opfølgninger"},
        )
    )
    ordered = goals.ordered_model(pairs)
    if not ordered.empty:
        display(
            publish(
                ordered,
                "goal_model_ordered",
                output_dir,
                caption="Ordinal logit (nej < delvist < ja): odds for et højere niveau",
                formats={
                    "term": page.term_label,
                    "odds_ratio": lambda v: f"{v:.2f}".replace(".", ","),
                    "ci_low": lambda v: f"{v:.2f}".replace(".", ","),
                    "ci_high": lambda v: f"{v:.2f}".replace(".", ","),
                    "p_value": lambda v: f"{v:.3f}".replace(".", ","),
                },
                labels={"n": "Opfølgninger"},
            )
        )

# %% [markdown]
# En odds ratio over 1 betyder, at målet oftere nås; et interval, der dækker 1, betyder, at
# sammenhængen ikke kan skelnes fra tilfældigheder. Kommunerne indgår som klynger, så
# borgere i samme kommune ikke tælles som uafhængige. Modellen beskriver sammenhænge, ikke
# årsager.

# %% [markdown]
# ## Ændring i pris og timer efter målopfyldelse

# %% tags=["remove-input"]
if not pairs.empty:
    display(
        publish(
            goals.price_change_by_attainment(pairs),
            "price_change_by_attainment",
            output_dir,
            counts=["follow_ups", "n"],
            totals={"follow_ups": (["service", "goal_met"], "n")},
            statistics={"share": ("follow_ups", "n")},
            caption="Lavere, uændret eller højere pris/timer ved næste registrering",
            formats={"share": pct},
            labels={"goal_met": "Mål opfyldt", "direction": "Pris/timer", "follow_ups": "Opfølgninger", "n": "I alt"},
        )
    )
    for service, unit in (("§107", "ændring i dagspris (%)"), ("§85", "ændring i timer pr. måned")):
        change = goals.price_change_model(pairs, service)
        if change.empty:
            display(report.no_data(f"For få {service}-opfølgninger til at beregne sammenhængen."))
            continue
        display(
            publish(
                change,
                f"price_change_model_{service.strip('§')}",
                output_dir,
                caption=f"{service}: {unit} efter målopfyldelse (forskel fra ikke opfyldt; klyngerobuste intervaller)",
                formats={
                    c: (lambda v: f"{v:.2f}".replace(".", ",")) for c in ("estimate", "ci_low", "ci_high", "p_value")
                },
                labels={"estimate": "Estimat", "n": "Opfølgninger"},
            )
        )

# %% [markdown]
# For de fleste borgere er pris og timer uændrede, uanset om målet er nået. Rapportens svage
# tendens til lavere pris og færre timer, når målet er nået, kan her aflæses med usikkerhed.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
