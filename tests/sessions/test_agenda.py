import datetime
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from sessions.agenda import cascade, run_state, total_minutes


@dataclass
class Block:
    duration_minutes: int
    fixed_start: datetime.time | None = None


def t(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def test_cascade_starts_each_block_after_the_previous():
    slots = cascade([Block(20), Block(15), Block(30)], t("09:00"), t("17:00"))

    assert [(s.start, s.end) for s in slots] == [
        (t("09:00"), t("09:20")),
        (t("09:20"), t("09:35")),
        (t("09:35"), t("10:05")),
    ]


def test_cascade_pinned_block_starts_at_its_time_and_the_next_follows_it():
    slots = cascade([Block(60), Block(60, t("12:30")), Block(30)], t("09:00"), t("17:00"))

    assert [s.start for s in slots] == [t("09:00"), t("12:30"), t("13:30")]
    assert [s.overlaps_pinned for s in slots] == [False, False, False]


def test_cascade_flags_a_pinned_block_that_the_previous_one_runs_into():
    slots = cascade([Block(240), Block(60, t("12:30"))], t("09:00"), t("17:00"))

    assert slots[1].overlaps_pinned is True
    assert slots[1].start == t("12:30")


def test_cascade_flags_blocks_past_the_end_of_the_day():
    slots = cascade([Block(120), Block(120)], t("14:00"), t("17:00"))

    assert [s.past_day_end for s in slots] == [False, True]


def test_cascade_never_wraps_past_midnight():
    slots = cascade([Block(120)], t("23:00"), t("23:30"))

    assert slots[0].end == t("23:59")
    assert slots[0].past_day_end is True


def test_cascade_of_no_block_is_empty():
    assert cascade([], t("09:00"), t("17:00")) == []


def test_total_minutes_adds_durations():
    assert total_minutes([Block(20), Block(40)]) == 60


durations = st.integers(min_value=1, max_value=12 * 60)
pins = st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0)))


@given(st.lists(st.tuples(durations, pins), max_size=30))
def test_cascade_properties(blocks):
    items = [Block(minutes, pin) for minutes, pin in blocks]

    slots = cascade(items, t("09:00"), t("17:00"))

    assert len(slots) == len(items)
    for previous, slot in zip([None, *slots], slots, strict=False):
        if slot.item.fixed_start is not None:
            assert slot.start == slot.item.fixed_start
        elif previous is None:
            assert slot.start == t("09:00")
        else:
            assert slot.start == previous.end
        assert slot.end >= slot.start


@dataclass
class Item:
    pk: int
    duration_minutes: int
    fixed_start: datetime.time | None = None


PARIS = datetime.timezone(datetime.timedelta(hours=1))


def at(text: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date(2026, 6, 25), t(text), tzinfo=PARIS)


def test_run_state_on_time():
    slots = cascade([Item(1, 30), Item(2, 60)], t("09:00"), t("17:00"))

    state = run_state(slots, 1, at("09:00"), 0, at("09:10"))

    assert state.current.item.pk == 1
    assert state.next.item.pk == 2
    assert state.remaining_seconds == 20 * 60
    assert state.delay_minutes == 0


def test_run_state_behind_when_started_late_and_extended():
    slots = cascade([Item(1, 30), Item(2, 60)], t("09:00"), t("17:00"))

    state = run_state(slots, 2, at("09:40"), 5, at("10:00"))

    assert state.delay_minutes == 15
    assert state.next is None
    assert state.ends_at == at("10:45")


def test_run_state_ahead_and_overtime_counts_below_zero():
    slots = cascade([Item(1, 30), Item(2, 60)], t("09:00"), t("17:00"))

    state = run_state(slots, 2, at("09:20"), 0, at("10:30"))

    assert state.delay_minutes == -10
    assert state.remaining_seconds == -10 * 60


def test_run_state_without_a_current_block_is_empty():
    state = run_state([], None, None, 0, at("09:00"))

    assert (state.current, state.remaining_seconds) == (None, 0)
