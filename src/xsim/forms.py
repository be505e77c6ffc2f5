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

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from xsim import vocabulary as V
from xsim.io import load_yaml_text, validate

__all__ = ["FORMS", "FORM_NAMES", "WIDE_IMPACT_FORMS", "Form", "forms_for", "load_forms"]

Invite = Literal["adults", "owners", "open", "delegates", "representatives", "units"]
Structure = Literal["plenary", "small_groups", "threads", "seated", "hearing"]
Conclude = Literal["consensus", "majority", "opinion"]
Setting = Literal[V.keys(V.SETTINGS)]


class Form(BaseModel):
    """One consultation form (an entry of ``data/forms.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

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

    @property
    def zh(self) -> str:
        """The form's Chinese name, from the one vocabulary."""
        return V.FORMS[self.name].zh


@cache
def load_forms() -> dict[str, Form]:
    """The bundled form table, validated (a broken table is a programming error of this kit)."""
    text = resources.files("xsim").joinpath("data/forms.yaml").read_text(encoding="utf-8")
    table = load_yaml_text(text, "data/forms.yaml").data
    unnamed = set(table) ^ set(V.FORMS)
    if unnamed:
        raise ValueError(f"forms.yaml and xsim.vocabulary.FORMS differ in {sorted(unnamed)}")
    forms = {}
    for name, data in table.items():
        forms[name] = validate(Form, {"name": name, **data}, "data/forms.yaml")
    return forms


FORMS: dict[str, Form] = load_forms()
FORM_NAMES: tuple[str, ...] = tuple(FORMS)
#: Forms that are a §4.5 procedure for a matter of wide impact (专题议事会、民主听证会等).
WIDE_IMPACT_FORMS: frozenset[str] = frozenset(
    n for n, f in FORMS.items() if f.wide_impact_procedure
)


def forms_for(setting: str | None = None) -> tuple[str, ...]:
    """The forms used in a ``setting`` (``"village"`` / ``"community"``; all when ``None``), in
    the table's order: the choices a widget offers."""
    return tuple(n for n, f in FORMS.items() if setting is None or setting in f.settings)
