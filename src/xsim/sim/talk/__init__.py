"""Talk at a consultation: the structures (a registry by ``Form.structure``), the room kernels,
the published opinion-dynamics kernels, and measures of opinion distributions.

- :mod:`xsim.sim.talk.structures` — :class:`Room`, the registry :data:`STRUCTURES`,
  :func:`deliberate` (the form's structure, then the argument exchange :func:`argue`);
- :mod:`xsim.sim.talk.kernels` — who gets the floor, how a room's listeners move, table seating;
- :mod:`xsim.sim.talk.dynamics` — Hegselmann–Krause, DeGroot, Friedkin–Johnsen, Deffuant,
  persuasive arguments (checked against published results);
- :mod:`xsim.sim.talk.polarization` — clusters, spread, polarization of an opinion distribution.
"""

from xsim.sim.talk.structures import STRUCTURES, Room, Voices, argue, deliberate, structure

__all__ = ["STRUCTURES", "Room", "Voices", "argue", "deliberate", "structure"]
