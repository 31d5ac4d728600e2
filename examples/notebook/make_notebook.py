"""Writes keyscope_tour.ipynb (kept as the source of truth for the notebook's cells).

    python examples/notebook/make_notebook.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = [
    new_markdown_cell(
        "# keyscope tour\n\n"
        "API keys and per-key usage of the SOC Defenders API from a notebook: list the keys, "
        "plot the busiest ones, find anomalies and split a bill by cost center.\n\n"
        "It connects to `KEYSCOPE_BASE_URL` with the session token in `KEYSCOPE_SESSION` "
        "(for a local try: `keyscope-sandbox --now 2026-05-17T12:00:00Z --token T` and "
        "`KEYSCOPE_BASE_URL=http://127.0.0.1:PORT KEYSCOPE_SESSION=T`). The token is only "
        "read from the environment: it never appears in the notebook."),
    new_code_cell(
        "import os\n"
        "import matplotlib\n"
        "if not os.environ.get('DISPLAY') and 'ipykernel' not in matplotlib.get_backend():\n"
        "    matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n"
        "import keyscope\n"
        "import keyscope.pandas as kpd\n\n"
        "BASE_URL = os.environ.get('KEYSCOPE_BASE_URL', 'http://127.0.0.1:8080')\n"
        "NOW = os.environ.get('KEYSCOPE_NOW')  # pinned clock of the sandbox; None: real time\n"
        "client = keyscope.Client(base_url=BASE_URL, timeout=30)  # token from KEYSCOPE_SESSION\n"
        "print(keyscope.__version__, client)"),
    new_markdown_cell("## The keys"),
    new_code_cell(
        "keys = client.list_keys()\n"
        "keys_df = keys.to_pandas()  # the same as kpd.keys_frame(keys)\n"
        "keys_df[['name', 'key_prefix', 'environment', 'tier', 'total_requests', 'revoked', 'last_used_at']]"),
    new_markdown_cell(
        "## Usage by key (last 30 days)\n\n"
        "One request per key: `progress=` gets a `keyscope.FleetProgress` (`done`, `total`, "
        "`failed`) as keys complete, here drawn by tqdm (`tqdm.auto` draws a widget where "
        "ipywidgets is installed)."),
    new_code_cell(
        "from tqdm import tqdm\n\n"
        "with tqdm(unit='key', desc='usage by key') as bar:\n"
        "    def show(p):\n"
        "        bar.total = p.total\n"
        "        bar.update(p.done - bar.n)\n"
        "    rows = client.usage_by_key(days=30, concurrency=8, progress=show)\n"
        "usage_df = rows.to_pandas()\n"
        "usage_df[['name', 'environment', 'tier', 'request_count', 'error_count', 'error_rate', 'top_endpoint']]"),
    new_markdown_cell("## Daily requests and errors of the busiest keys"),
    new_code_cell(
        "busiest = [r for r in rows if r.request_count > 0][:4]\n"
        "usages = {r.name: client.get_usage(r.key_id, days=90) for r in busiest}\n"
        "end = pd.Timestamp(NOW).date() if NOW else None\n"
        "requests = kpd.daily_frames(usages, end_date=end, column='requests')\n"
        "errors = kpd.daily_frames(usages, end_date=end, column='errors')\n"
        "fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)\n"
        "requests.plot(ax=ax1, title='Requests per day (UTC)')\n"
        "errors.plot(ax=ax2, title='Errors per day (UTC)', legend=False)\n"
        "ax1.set_ylabel('requests'); ax2.set_ylabel('errors')\n"
        "fig.tight_layout()\n"
        "fig.savefig(os.environ.get('KEYSCOPE_NOTEBOOK_FIGURE', 'busiest_keys.png'), dpi=80)\n"
        "requests.tail()"),
    new_markdown_cell("## Anomalies (90-day window)"),
    new_code_cell(
        "fleet = client.fetch_fleet(days=90)\n"
        "findings = keyscope.detect_anomalies(fleet, now=NOW)\n"
        "anomalies = findings.to_pandas()\n"
        "pd.set_option('display.max_colwidth', 120)\n"
        "anomalies[['severity', 'kind', 'key_name', 'reason']]"),
    new_markdown_cell("## Chargeback: split a $1,234.56 bill by the `[team]` tag in the key names"),
    new_code_cell(
        "lines = keyscope.chargeback(rows, '1234.56', name_pattern=r'\\[(\\w+)\\]')\n"
        "bill = lines.to_pandas()\n"
        "assert bill['cost_cents'].sum() == 123456  # to the cent\n"
        "bill"),
    new_code_cell("client.close()"),
]

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
})
out = Path(__file__).with_name("keyscope_tour.ipynb")
nbformat.write(nb, str(out))
print(f"wrote {out}")
