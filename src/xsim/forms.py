"""The consultation forms of §3 of the notice, as data (``src/xsim/data/forms.yaml``).

A :class:`Form` says who is invited, what attending costs, how talk is structured, how the group
concludes, how long it takes and what it costs. What a form *does* is the simulator's
(:mod:`xsim.sim`: attendance, the talk structure named by ``structure``, the conclusion); here is
only the table, read once and validated through :mod:`xsim.io`. It sits below the rules engine,
because the engine too reads a form's traits (:data:`WIDE_IMPACT_FORMS`, §4.5), and below the
widgets' form lists (:func:`forms_for`).

Names are the ``consultation.forms`` values of the case-record spec; their Chinese and English
names are :data:`xsim.vocabulary.FORMS`. Figures marked ASSUMPTION in docs/model.md §7.2 are this
kit's choices, not the notice's.
"""

# No ``from __future__ import annotations``: pydantic would evaluate every field's annotation
# string at import, time that ``xsim check`` (0.3 s in all) pays on every run.
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from xsim import vocabulary as V
from xsim.io import load_yaml_text, validate

__all__ = [
    "FORMS",
    "FORM_NAMES",
    "NOTICE_FORMS",
    "WIDE_IMPACT_FORMS",
    "Form",
    "form_label",
    "forms_for",
    "load_forms",
]

Invite = Literal["adults", "owners", "open", "delegates", "representatives", "units", "sample"]
Structure = Literal["plenary", "small_groups", "threads", "seated", "hearing"]
Conclude = Literal["consensus", "majority", "opinion"]
Setting = Literal[V.keys(V.SETTINGS)]


class Form(BaseModel):
    """One consultation form (an entry of ``data/forms.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    name: str
    clause: str  # where the notice (and law) names it
    invite: Invite  # who is invited (xsim.sim.attendance.invitees)
    structure: Structure  # how talk is organized (xsim.sim.talk.structures.STRUCTURES)
    conclude: Conclude  # how the group concludes
    hours: Annotated[float, Field(ge=0, le=24)]  # time a participant spends, incl. travel
    daytime: bool  # held in working hours (costs working-age residents more)
    online: bool = False  # needs digital access; cheap to attend
    turns: Annotated[int, Field(ge=1, le=100_000)] = 20  # speaking turns available
    seats_per_group: Annotated[int, Field(ge=0, le=100)] = 0  # resident delegates per group
    with_representatives: bool = False  # representatives sit in it
    with_organizations: bool = True  # organizations in the scenario are invited
    rounds: Annotated[int, Field(ge=1, le=50)] = 3  # deliberation rounds
    duration_days: Annotated[int, Field(ge=1, le=60)] = 1  # how long the consultation runs
    money_yuan: Annotated[float, Field(ge=0, le=1e7)] = 500.0  # venue, materials, moderator
    deciding: Literal[V.keys(V.MEETINGS)] | None = None  # the form is itself this meeting
    settings: Annotated[tuple[Setting, ...], Field(strict=False)] = ("village", "community")
    group_size: Annotated[int, Field(ge=2, le=100)] = 8  # people per table (small groups)
    built_in_turn_taking: bool = False  # the procedure itself gives every side a turn
    public_audience: bool = False  # anyone addressed may attend and listen; invitees testify
    #: one of the procedures §4.5 asks for on a matter of wide impact (专题议事会、民主听证会等)
    wide_impact_procedure: bool = False
    #: A form the notice does not name (a model of practice, e.g. a deliberative poll) carries its
    #: own names and the notice's form a case record names it by; the notice's forms take their
    #: names from :data:`xsim.vocabulary.FORMS` and are recorded under their own key.
    own_zh: str | None = Field(None, alias="zh")
    own_en: str | None = Field(None, alias="en")
    record_as: Literal[V.keys(V.FORMS)] | None = None

    @property
    def zh(self) -> str:
        """The form's Chinese name (from the one vocabulary for the notice's forms)."""
        return self.own_zh or V.FORMS[self.name].zh

    def label(self, lang: str = "zh") -> str:
        if self.name in V.FORMS:
            return V.FORMS[self.name].label(lang)
        return (self.own_en if lang == "en" else self.own_zh) or self.name

    @property
    def recorded(self) -> str:
        """The ``consultation.forms`` value a case record names this form by."""
        return self.record_as or self.name


@cache
def load_forms() -> dict[str, Form]:
    """The bundled form table, validated (a broken table is a programming error of this kit)."""
    text = resources.files("xsim").joinpath("data/forms.yaml").read_text(encoding="utf-8")
    table = load_yaml_text(text, "data/forms.yaml").data
    forms = {}
    for name, data in table.items():
        forms[name] = validate(Form, {"name": name, **data}, "data/forms.yaml")
    missing = set(V.FORMS) - set(forms)
    unnamed = [n for n, f in forms.items() if n not in V.FORMS and not (f.own_zh and f.record_as)]
    if missing or unnamed:
        raise ValueError(f"forms.yaml: notice forms missing {sorted(missing)}, unnamed {unnamed}")
    return forms


FORMS: dict[str, Form] = load_forms()
FORM_NAMES: tuple[str, ...] = tuple(FORMS)
#: The forms the notice names (the ``consultation.forms`` values of a case record).
NOTICE_FORMS: tuple[str, ...] = tuple(n for n, f in FORMS.items() if f.record_as is None)
#: Forms that are a §4.5 procedure for a matter of wide impact (专题议事会、民主听证会等).
WIDE_IMPACT_FORMS: frozenset[str] = frozenset(
    n for n, f in FORMS.items() if f.wide_impact_procedure
)


def form_label(name: str, lang: str = "zh") -> str:
    """A form's name in ``lang``; the key itself for an unknown one."""
    form = FORMS.get(name)
    return form.label(lang) if form else V.label(V.FORMS, name, lang)


def forms_for(setting: str | None = None) -> tuple[str, ...]:
    """The forms used in a ``setting`` (``"village"`` / ``"community"``; all when ``None``), in
    the table's order: the choices a widget offers."""
    return tuple(n for n, f in FORMS.items() if setting is None or setting in f.settings)
