"""examples/notebook/keyscope_tour.ipynb runs headless (nbclient) against a sandbox it starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")
pytest.importorskip("ipykernel")
pytest.importorskip("tqdm")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebook" / "keyscope_tour.ipynb"


def test_notebook_runs_clean(sandbox_factory, tmp_path, monkeypatch) -> None:
    sb = sandbox_factory(token="nb-token-7f3e2a")
    figure = tmp_path / "busiest.png"
    monkeypatch.setenv("KEYSCOPE_BASE_URL", sb.base_url)
    monkeypatch.setenv("KEYSCOPE_SESSION", sb.token)
    monkeypatch.setenv("KEYSCOPE_NOW", "2026-05-17T12:00:00Z")
    monkeypatch.setenv("KEYSCOPE_NOTEBOOK_FIGURE", str(figure))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError if any cell errors
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert figure.is_file() and figure.stat().st_size > 10_000
    text = "\n".join(str(o) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert sb.token not in text  # the token only lives in the environment
    # the anomalies cell shows the planted findings
    assert "spike" in text and "dormant_reactivated" in text and "error_burst" in text
    assert "secops" in text  # the chargeback table
    assert "usage by key: 100%" in text and "12/12" in text  # the tqdm bar fed by progress=
