"""TextFilter: narrowing from the last result finds exactly what a fresh search finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cs_tui.widgets.filter_bar import TextFilter, haystack, matches

words = st.text(alphabet="abcAB ", max_size=6)


@given(rows=st.lists(words, max_size=30), first=words, extra=words)
def test_typing_on_finds_what_a_fresh_search_finds(rows: list[str], first: str, extra: str) -> None:
    text_filter = TextFilter((haystack(r), r) for r in rows)
    text_filter.apply(first)
    narrowed = text_filter.apply(first + extra)
    assert narrowed == [r for r in rows if matches(first + extra, r)]


@given(rows=st.lists(words, max_size=30), first=words, second=words)
def test_any_query_after_any_other_finds_what_a_fresh_search_finds(
    rows: list[str], first: str, second: str
) -> None:
    text_filter = TextFilter((haystack(r), r) for r in rows)
    text_filter.apply(first)
    assert text_filter.apply(second) == [r for r in rows if matches(second, r)]


def test_words_match_anywhere_in_any_field_whatever_the_case() -> None:
    text_filter = TextFilter(
        [(haystack("Acme Corp", "Jamal Quinn"), "acme"), (haystack("Globex", "Ann"), "globex")]
    )
    assert text_filter.apply("QUINN acme") == ["acme"]
    assert text_filter.apply("") == ["acme", "globex"]
    assert text_filter.apply("nobody") == []
