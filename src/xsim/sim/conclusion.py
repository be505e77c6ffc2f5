"""How a consultation concludes: the share for the proposal and the conclusion it supports.

The notice's words for the outcome (§4, §4.6): 协商一致 (consensus), a majority view, or 存在较大争议
(disputed) — the last goes to the deciding meeting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from xsim.forms import Form


def support_share(x: np.ndarray, weight: np.ndarray, abstain: float) -> float:
    """Weighted share for the proposal among those who take a side (|x| > abstain)."""
    for_w = weight[x > abstain].sum()
    against_w = weight[x < -abstain].sum()
    total = for_w + against_w
    return 0.5 if total == 0 else float(for_w / total)


def conclusion(form: Form, share_for: float, consensus_share: float, dispute_band: float) -> str:
    """consensus | majority | disputed, from the share for the proposal.

    Consensus when one side holds at least ``consensus_share``; disputed when the split is within
    ``dispute_band`` of even — for a consensus-seeking body, whenever consensus is missed and the
    split is within twice that band (a council cannot paper over a 65/35 split); majority otherwise.
    """
    lead = max(share_for, 1.0 - share_for)
    tol = 1e-9  # shares are ratios of counts: 0.6 − 0.5 must count as a 0.1 lead
    if lead >= consensus_share - tol:
        return "consensus"
    band = 2 * dispute_band if form.conclude == "consensus" else dispute_band
    if lead - 0.5 < band - tol:
        return "disputed"
    return "majority"
