"""The sliding-log limiter: exact in any rolling window, shared through Redis."""

import threading
import time

import pytest

from core.ratelimit import MemoryRateLimiter, RedisRateLimiter, last_grant_time, make_rate_limiter, new_ticket
from core.settings import RateLimit


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_memory_limiter_grants_up_to_the_limit_then_says_how_long_to_wait():
    clock = FakeClock()
    lim = MemoryRateLimiter(RateLimit(3, 10), clock=clock)
    assert [lim.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.t += 4
    assert lim.acquire() == pytest.approx(6.0)
    clock.t += 6.001
    assert lim.acquire() == 0.0  # the earlier starts left the window
    assert [lim.acquire() for _ in range(2)] == [0.0, 0.0] and lim.acquire() > 0


def test_no_rolling_window_ever_holds_more_than_the_limit_across_bucket_edges():
    clock = FakeClock()
    lim = MemoryRateLimiter(RateLimit(5, 1), clock=clock)
    granted = []
    for step in range(400):  # 4 s in 10 ms steps, trying twice per step
        clock.t = 1000.0 + step * 0.01
        for _ in range(2):
            if lim.acquire() == 0.0:
                granted.append(clock.t)
    for i, t in enumerate(granted):
        assert len([g for g in granted[i:] if g - t < 1.0]) <= 5
    assert len(granted) >= 5 * 4  # and the budget is used fully


def test_unlimited_never_waits():
    lim = make_rate_limiter(RateLimit(0, 60))
    assert all(lim.acquire() == 0.0 for _ in range(100))


def test_the_grant_time_is_recorded_for_the_granted_thread():
    lim = MemoryRateLimiter(RateLimit(1, 60))
    before = time.time()
    assert lim.acquire() == 0.0
    assert before <= last_grant_time() <= time.time()


def test_redis_limiter_is_one_limit_for_every_client(redis_url, redis_prefix):
    import redis

    rate = RateLimit(10, 2)
    limiters = [RedisRateLimiter(redis.Redis.from_url(redis_url), f"{redis_prefix}:rl", rate) for _ in range(4)]
    granted, lock = [], threading.Lock()

    def hammer(lim):
        end = time.monotonic() + 3.0
        ticket = new_ticket()
        while time.monotonic() < end:
            wait = lim.acquire(ticket)
            if wait == 0.0:
                with lock:
                    granted.append(last_grant_time())
            else:
                assert 0 < wait <= 2.0
                time.sleep(min(wait, 0.05))

    threads = [threading.Thread(target=hammer, args=(lim,)) for lim in limiters]
    [t.start() for t in threads]
    [t.join() for t in threads]
    granted.sort()
    for i, t in enumerate(granted):
        assert len([g for g in granted[i:] if g - t < 2.0]) <= 10
    assert len(granted) >= 15  # 3 s at 10 per 2 s: at least one full window plus more


def test_waiters_get_distinct_slots_in_line_and_keep_their_place():
    clock = FakeClock()
    lim = MemoryRateLimiter(RateLimit(2, 10), clock=clock)
    assert lim.acquire("a") == 0.0
    clock.t += 1
    assert lim.acquire("b") == 0.0  # starts at 1000 and 1001
    waits = {t: lim.acquire(t) for t in ("c", "d", "e")}
    assert waits["c"] == pytest.approx(9.0)   # when the 1000 start expires
    assert waits["d"] == pytest.approx(10.0)  # when the 1001 start expires
    assert waits["e"] == pytest.approx(19.0)  # next round, after c's start
    clock.t += 8.5  # c comes back half a second early: refused, but still first in line
    assert lim.acquire("c") == pytest.approx(0.5)
    clock.t += 0.5
    assert lim.acquire("c") == 0.0


def test_a_new_caller_does_not_jump_the_line():
    clock = FakeClock()
    lim = MemoryRateLimiter(RateLimit(1, 10), clock=clock)
    assert lim.acquire("a") == 0.0
    assert lim.acquire("b") == pytest.approx(10.0)
    assert lim.acquire("late") == pytest.approx(20.0)
