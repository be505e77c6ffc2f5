"""Local rules reach the run's record: the scenario's `rules:`, then the caller's `rules=`."""

from xsim.sim.model import ConsultationModel
from xsim.sim.scenario import load_scenario


def _codes(rules, notice_days):
    scenario = load_scenario("elevator_retrofit").with_overrides(
        {"organizer.notice_days": notice_days}
    )
    model = ConsultationModel(scenario, form="owners", rules=rules, rng=4)
    model.run()
    return model, {f.code for f in model.report.findings}


def test_explicit_rules_override_the_scenarios():
    # elevator_retrofit's own rules ask for 5 days' notice; the organizer gives 7.
    model, codes = _codes(None, 7)
    assert model.record.rules.notice_days == 5 and "PROC-NOTICE" not in codes
    model, codes = _codes({"notice_days": 8}, 7)  # a stricter county rule from the caller
    assert model.record.rules.notice_days == 8 and "PROC-NOTICE" in codes
    model, codes = _codes({"notice_days": 7}, 7)  # exactly the required days passes
    assert "PROC-NOTICE" not in codes


def test_scenario_rules_apply_without_explicit_rules():
    _, codes = _codes(None, 4)  # one day short of the scenario's 5
    assert "PROC-NOTICE" in codes
