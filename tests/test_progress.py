"""Build progress: a steady bar and an honest estimate, from the rate of the recent past."""

from __future__ import annotations

from itertools import pairwise

from tui.rate import RateEstimate
from tui.widgets.build_panel import describe_progress


def feed(estimate: RateEstimate, start: float, seconds: float, rate: float, step: int) -> float:
    """Report `rate` articles a second for `seconds`, `step` at a time; the time at the end."""
    done = estimate._samples[-1][1] if estimate._samples else 0
    now = start
    interval = step / rate
    while now < start + seconds - 1e-9:
        now += interval
        done += step
        estimate.add(now, done)
    return now


def test_a_slow_start_does_not_hold_the_estimate_down() -> None:
    estimate = RateEstimate()
    estimate.add(0.0, 0)
    now = feed(estimate, 0.0, 20.0, 50, 10)  # reading and the first batch: slow
    now = feed(estimate, now, 60.0, 1000, 50)
    rate = estimate.rate(now)
    assert rate is not None and abs(rate - 1000) / 1000 < 0.05
    average = estimate._samples[-1][1] / now
    assert average < 800  # what the line used to say


def test_small_steady_steps_give_a_steady_and_true_estimate() -> None:
    total = 60_000
    estimate = RateEstimate()
    estimate.add(0.0, 0)
    now, said = 0.0, []
    for _ in range(100):
        now = feed(estimate, now, 1.0, 500, 25)
        left = estimate.left(now, total)
        assert left is not None
        said.append((now, left))
    for (t, left), (t2, left2) in pairwise(said[30:]):
        true_left = (total - 500 * t) / 500
        assert abs(left - true_left) <= 0.02 * true_left + 1
        assert abs((left - left2) - (t2 - t)) < 1.0  # a second later, a second less


def test_a_pause_in_the_reports_slows_the_rate_honestly() -> None:
    estimate = RateEstimate()
    estimate.add(0.0, 0)
    now = feed(estimate, 0.0, 40.0, 1000, 100)
    before = estimate.rate(now)
    after = estimate.rate(now + 10.0)  # a batch being written: nothing reported
    assert before is not None and after is not None
    assert after < before * 0.8
    assert abs(after - 30_000 / 40) < 50  # the window as of the last report, up to now


def test_a_new_build_starts_afresh_and_nothing_is_said_too_early() -> None:
    estimate = RateEstimate()
    estimate.add(0.0, 0)
    assert estimate.rate(0.5) is None
    feed(estimate, 0.0, 10.0, 100, 10)
    estimate.add(11.0, 5)  # fewer done than before: another build
    assert estimate.rate(11.2) is None
    assert estimate.left(20.0, None) is None


def test_the_line_says_the_recent_rate_when_there_is_one() -> None:
    line = describe_progress(20_000, 57_110, 100.0, rate=1_000.0)
    assert "1,000 articles/s" in line and "about 35 s left" in line
    assert "200 articles/s" in describe_progress(20_000, 57_110, 100.0)  # the average
