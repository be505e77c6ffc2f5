"""Speed of one bounded-confidence (Hegselmann-Krause) round: plain Mesa agents vs. xsim's kernel.

Run:  .venv/bin/python benchmarks/bench_kernels.py [--agents 2000] [--repeats 3]

(a) a plain Mesa 3.5 model whose agents each loop over all the other agents in ``step()`` (the
    obvious agent-based implementation), stepped with ``model.agents.shuffle_do("step")``;
(b) ``xsim.sim.talk.dynamics.hk_step``: sort + prefix sums + searchsorted, O(n log n).
Both compute the same synchronous round from the same opinions (checked), measured in one run.
Then Deffuant sweeps (exact random-sequential vs. random matching), and HK rounds at n = 20,000 and
200,000 to show the O(n log n) growth.
"""

from __future__ import annotations

import argparse
import os
import time

import mesa
import numpy as np

from xsim.sim.talk.dynamics import deffuant, hegselmann_krause, hk_step

EPSILON = 0.2


class Voter(mesa.Agent):
    """A resident who averages the opinions of everyone within epsilon of their own."""

    def __init__(self, model: BoundedConfidenceModel, opinion: float) -> None:
        super().__init__(model)
        self.opinion = opinion
        self.next_opinion = opinion

    def step(self) -> None:
        total, count = 0.0, 0
        for other in self.model.agents:
            if abs(other.opinion - self.opinion) <= self.model.epsilon:
                total += other.opinion
                count += 1
        self.next_opinion = total / count

    def advance(self) -> None:
        self.opinion = self.next_opinion


class BoundedConfidenceModel(mesa.Model):
    def __init__(self, opinions: np.ndarray, epsilon: float, rng: int = 0) -> None:
        super().__init__(rng=rng)
        self.epsilon = epsilon
        for x in opinions:
            Voter(self, float(x))

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.agents.do("advance")  # synchronous update, as in Hegselmann-Krause


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.agents
    print(
        f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores"
    )

    x0 = np.sort(np.random.default_rng(0).random(n))

    # (a) plain Mesa: a fresh model for each repeat so every round starts from x0
    def mesa_round():
        model = BoundedConfidenceModel(x0, EPSILON, rng=0)
        t0 = time.perf_counter()
        model.step()
        mesa_round.elapsed = time.perf_counter() - t0
        mesa_round.result = np.array([a.opinion for a in model.agents])

    mesa_times = []
    for _ in range(args.repeats):
        mesa_round()
        mesa_times.append(mesa_round.elapsed)
    t_mesa = min(mesa_times)

    # (b) vectorized kernel (best of many repetitions; one round is sub-millisecond)
    reps = 200
    t_vec = best_of(lambda: [hk_step(x0, EPSILON) for _ in range(reps)], args.repeats) / reps
    same = np.allclose(np.sort(mesa_round.result), hk_step(x0, EPSILON), atol=1e-12)

    print(f"one HK round, n = {n}, epsilon = {EPSILON}")
    print(f"  (a) plain Mesa agents loop over each other : {t_mesa * 1e3:10.1f} ms")
    print(f"  (b) xsim.sim.talk.dynamics.hk_step (NumPy)      : {t_vec * 1e3:10.3f} ms")
    print(
        f"  speed-up (a)/(b)                            : {t_mesa / t_vec:10.0f}x  (target >= 500x)"
    )
    print(f"  same opinions after the round               : {same}")
    x_unsorted = np.random.default_rng(0).random(n)
    t_full = (
        best_of(
            lambda: [hegselmann_krause(x_unsorted, EPSILON, max_steps=1) for _ in range(reps)],
            args.repeats,
        )
        / reps
    )
    print(
        f"  (b') hegselmann_krause, 1 round incl. sort  : {t_full * 1e3:10.3f} ms"
        f"  -> {t_mesa / t_full:.0f}x"
    )

    deffuant_sweeps(args.repeats)
    print("scaling of one HK round (O(n log n)):")
    base = None
    for size in (2_000, 20_000, 200_000):
        x = np.sort(np.random.default_rng(1).random(size))
        r = max(2, 20_000 // size * 10)
        t = best_of(lambda x=x, r=r: [hk_step(x, EPSILON) for _ in range(r)], args.repeats) / r
        base = base or t / (size * np.log2(size))
        ratio = t / (size * np.log2(size)) / base
        print(
            f"  n = {size:>7,}: {t * 1e3:9.3f} ms per round   time/(n log n) vs n=2,000: {ratio:5.2f}"
        )


def deffuant_sweeps(repeats: int) -> None:
    print("Deffuant-Weisbuch, one sweep = n/2 pairwise interactions (epsilon 0.2, mu 0.5):")
    for size in (2_000, 20_000):
        for schedule in ("sequential", "matching"):
            x0 = np.random.default_rng(2).random(size)

            def run(x0=x0, schedule=schedule):
                rng = np.random.default_rng(3)
                deffuant(x0, 0.2, 0.5, rng=rng, steps=20, schedule=schedule, tol=0.0)

            t = best_of(run, repeats) / 20
            print(f"  n = {size:>6,} {schedule:>10}: {t * 1e3:8.3f} ms per sweep")


if __name__ == "__main__":
    main()
