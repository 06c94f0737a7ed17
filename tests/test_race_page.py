"""The Race page through AppTest, and its figure."""

from __future__ import annotations

import numpy as np
from apptest_pages import open_page
from streamlit.testing.v1 import AppTest

from explore import race
from figures.race import race_figure
from scenarios import RACE
from scenarios.results import format_quantity


def open_race(query: dict[str, str] | None = None) -> AppTest:
    return open_page(RACE, query)


def test_the_table_is_the_library_race() -> None:
    at = open_race({"racers": "sgd,adam", "budget": "16"})
    settings = at.session_state["race.settings"]
    entries = race(settings.racers, settings.run.build_landscape(), settings.run.steps, budget=16)
    table = at.dataframe[0].value
    assert table["optimizer"][0].startswith("SGD (lr ") and "β₁" in table["optimizer"][1]
    for row, entry in zip(table.to_dict("records"), entries, strict=True):
        assert row["final f"] == format_quantity(float(entry.trajectory.final_loss[0]))
        assert row["tuning score (f − f* after the last step)"] == format_quantity(entry.tuned.score)
    curves, paths = at.get("plotly_chart")
    assert curves is not None and paths is not None


def test_noise_gives_bands_and_a_landscape_without_f_star_says_so() -> None:
    at = open_race({"racers": "sgd,momentum", "budget": "8", "noise": "1", "seeds": "4"})
    assert "mean over seeds" in " ".join(at.dataframe[0].value.columns)
    flat = open_race({"landscape": "saddle", "racers": "sgd", "budget": "8"})
    assert any("tuning for the mean loss" in i.value for i in flat.info)
    bad = open_race({"racers": "nope", "budget": "99999"})
    assert any("nope" in w.value for w in bad.warning)


def test_race_figure_band_is_between_the_percentiles() -> None:
    rng = np.random.default_rng(0)
    curves = np.exp(rng.normal(size=(50, 9)))
    fig = race_figure([("a", "#0072B2", curves), ("b", "#D55E00", curves[:, :1])], y_title="gap")
    low, high, mean, single = fig.data
    np.testing.assert_allclose(low.y, np.percentile(curves, 10, axis=1), rtol=1e-6)
    np.testing.assert_allclose(high.y, np.percentile(curves, 90, axis=1), rtol=1e-6)
    np.testing.assert_allclose(mean.y, curves.mean(axis=1), rtol=1e-6)
    assert high.fill == "tonexty" and single.name == "b" and fig.layout.yaxis.type == "log"
