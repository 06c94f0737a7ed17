"""The results table as a page shows it (Playground, Compare): a table, or on a phone one short
paragraph per run."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scenarios.results import display_table

from .frame import on_a_phone

#: The height of one row of ``st.dataframe`` in px: the table is as tall as its rows.
TABLE_ROW_PX = 35
#: What each way of naming the gap means (``Landscape.gap_name``).
GAP_HELP = {
    "f − f*": "How far the final f is from the best known value f* (0 at the global optimum). Where the "
              "table stacks several landscapes: f* − f on a maximized one, and on your own function f* "
              "is the lowest minimum a search found.",
    "f* − f": "How far the final f is below the best known maximum f* (0 at the global maximum).",
    "f − best found f*": "How far the final f is from the lowest minimum a search of your function found "
                         "(negative: the run went below every minimum found).",
}


def show_results(table: pd.DataFrame) -> None:
    """Every row without inner scrolling, and how each run ended right after its name.

    So that the table fits a laptop's page without scrolling sideways, the long headers get short
    labels; the full wording is their help.
    """
    first = [c for c in ("landscape", "optimizer", "outcome") if c in table.columns]
    table = table[first + [c for c in table.columns if c not in first]]
    config = {column: st.column_config.Column(help=words) for column, words in GAP_HELP.items()
              if column in table.columns}
    for column in table.columns:
        if column.startswith("distance to "):
            nearest = column.removeprefix("distance to ")
            config[column] = st.column_config.Column(
                "‖x − x*‖", help=f"Distance from the final point to the nearest {nearest}.")
    steps = [c for c in table.columns if c.startswith("steps to ")]
    for column in steps:  # "steps to f − f* ≤ 1e-06"; landscapes without a known optimum use ‖∇f‖
        reached = column.removeprefix("steps to ")
        label = "steps" if len(steps) == 1 else f"steps, {reached.split(' ≤ ')[0]}"
        config[column] = st.column_config.Column(label, help=f"The first step where {reached} (— if never).")
    if on_a_phone():
        _paragraphs(display_table(table), {column: c.get("label") or column for column, c in config.items()})
        return
    st.dataframe(display_table(table), hide_index=True, width="stretch", column_config=config,
                 height=TABLE_ROW_PX * (len(table) + 1) + 3)


def _paragraphs(shown: pd.DataFrame, labels: dict[str, str]) -> None:
    """One paragraph per run, which wraps to the screen's width: on a phone the table scrolled
    sideways, and its edge cut numbers in the middle ("0.072" for 0.07244)."""
    named = [c for c in ("landscape", "optimizer") if c in shown.columns]
    for _, row in shown.iterrows():
        head = " · ".join(str(row[c]) for c in named)
        outcome = f" — {row['outcome']}" if "outcome" in shown.columns else ""
        # a name and its value break only after the value (no "‖x −" at one line's end, "x*‖" the next)
        rest = " · ".join(f"{labels.get(c, c)} {row[c]}".replace(" ", "\u00a0") for c in shown.columns
                          if c not in (*named, "outcome"))
        st.markdown(f"**{_escaped(head)}**{_escaped(outcome)}  \n{_escaped(rest)}")


def _escaped(text: str) -> str:
    """``text`` with the stars of f* and x* shown as stars, not read as emphasis by Markdown."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
