"""Benchmarks of the consultation model (figures for the developer notes; not a timed test).

1. One bounded-confidence round at 2,000 agents: a plain Mesa model whose agents loop over each
   other in ``step()`` against the vectorized kernel the model uses — both measured in this run.
2. One run of a 1,000-household scenario, per form (median of several runs).
3. Linearity: 20,000 households against 1,000 households (target ≤ 25×).
4. Memory per resident (tracemalloc peak while building and running one model).

Run: ``.venv/bin/python benchmarks/bench_model.py`` (add ``--quick`` for fewer repetitions).
The machine's load average is printed with the figures: other jobs slow every number down.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc

import mesa
import numpy as np

from xsim.sim.model import ConsultationModel, run_once
from xsim.sim.scenario import load_scenario
from xsim.sim.talk.dynamics import hegselmann_krause

QUICK = "--quick" in sys.argv


class LoopingVoter(mesa.Agent):
    """The textbook way: each agent looks at every other agent in Python."""

    def __init__(self, model, opinion: float) -> None:
        super().__init__(model)
        self.opinion = opinion
        self.next_opinion = opinion

    def step(self) -> None:
        eps = self.model.epsilon
        close = [a.opinion for a in self.model.voters if abs(a.opinion - self.opinion) <= eps]
        self.next_opinion = sum(close) / len(close)

    def advance(self) -> None:
        self.opinion = self.next_opinion


class LoopingModel(mesa.Model):
    def __init__(self, x0: np.ndarray, epsilon: float) -> None:
        super().__init__(rng=0)
        self.epsilon = epsilon
        self.voters = LoopingVoter.create_agents(self, len(x0), list(x0))

    def step(self) -> None:
        self.voters.do("step")
        self.voters.do("advance")


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_round() -> None:
    x0 = np.random.default_rng(1).uniform(-1, 1, 2000)
    loop_model = LoopingModel(x0, 0.2)
    t_loop = timed(loop_model.step, 1 if QUICK else 2)
    t_kernel = timed(lambda: hegselmann_krause(x0, 0.2, max_steps=1), 50)
    check = LoopingModel(x0, 0.2)
    check.step()
    same = np.allclose(
        [a.opinion for a in check.voters], hegselmann_krause(x0, 0.2, max_steps=1)[0], atol=1e-12
    )
    print("1. one HK round, 2,000 agents")
    print(f"   plain Mesa model, agents loop in step(): {t_loop * 1e3:9.1f} ms")
    print(f"   vectorized kernel (sorted, prefix sums):  {t_kernel * 1e3:9.3f} ms")
    print(f"   speed-up: {t_loop / t_kernel:,.0f}x (target >= 500x); same opinions: {same}")


def bench_scenario(households: int, forms: list[str], repeat: int) -> dict[str, float]:
    s = load_scenario("elevator_retrofit").with_overrides({"population.households": households})
    run_once(s, forms[0], seed=0)  # warm up imports and caches
    out = {}
    for form in forms:
        seeds = iter(range(1000))
        out[form] = timed(lambda f=form, it=seeds: run_once(s, f, seed=next(it)), repeat)
    return out


def bench_village(households: int, repeat: int) -> dict[str, float]:
    s = load_scenario("village_road").with_overrides({"population.households": households})
    out = {}
    for form in s.forms:
        seeds = iter(range(1000))
        out[form] = timed(lambda f=form, it=seeds: run_once(s, f, seed=next(it)), repeat)
    return out


def bench_memory(households: int) -> None:
    s = load_scenario("elevator_retrofit").with_overrides({"population.households": households})
    tracemalloc.start()
    m = ConsultationModel(s, form="owners", rng=0)
    m.run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = m.pop.n
    print(f"4. memory, {households:,} households = {n:,} adults")
    print(
        f"   tracemalloc peak while building + running: {peak / 2**20:.1f} MiB "
        f"= {peak / n / 1024:.2f} KiB per adult"
    )
    print(
        f"   of which the model's NumPy state arrays:   {m.pop.nbytes() / n:.0f} bytes per adult "
        "(the rest is mostly Mesa agent objects)"
    )


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores; other jobs slow every figure)")
    bench_round()
    repeat = 3 if QUICK else 9
    forms = ["owners", "hearing", "compound", "council", "online"]
    one = bench_scenario(1000, forms, repeat)
    village = bench_village(1000, repeat)
    print("2. one run of a 1,000-household scenario (median; target <= 0.15 s)")
    for form, t in one.items():
        print(f"   elevator_retrofit  {form:24s} {t:.3f} s")
    for form, t in village.items():
        print(f"   village_road       {form:24s} {t:.3f} s")
    big = bench_scenario(20_000, forms, 1 if QUICK else 3)
    print("3. linearity: 20,000 households vs 1,000 households (target <= 25x)")
    for form in forms:
        print(f"   {form:24s} {big[form]:.3f} s  = {big[form] / one[form]:.1f}x")
    total = sum(big.values()) / sum(one.values())
    print(f"   all five forms together: {total:.1f}x")
    bench_memory(20_000)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
