"""The entry page runs through Streamlit's AppTest: defaults, changed widgets, URL parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def chart(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def test_default_page_draws_contour_with_path(app: AppTest) -> None:
    assert not app.exception
    kinds = [trace["type"] for trace in chart(app)["data"]]
    assert kinds[0] == "contour"
    assert "scatter" in kinds


@pytest.mark.parametrize("landscape", ["rosenbrock", "x2_plus_sin", "saddle"])
def test_other_landscapes_and_optimizers(app: AppTest, landscape: str) -> None:
    app.selectbox(key="landscape").set_value(landscape).run()
    app.selectbox(key="optimizer").set_value("momentum").run()
    assert not app.exception
    assert chart(app)["data"]


def test_huge_learning_rate_reports_divergence(app: AppTest) -> None:
    app.selectbox(key="optimizer").set_value("sgd").run()
    app.slider(key="log_lr").set_value(0.5).run()
    assert not app.exception
    assert any("diverged" in w.value for w in app.warning)


def test_url_parameters_restore_settings() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["optimizer"] = "RMSprop"  # a bound selectbox keeps its displayed label in the URL
    at.query_params["steps"] = "37"
    at.run()
    assert at.selectbox(key="optimizer").value == "rmsprop"
    assert at.slider(key="steps").value == 37
