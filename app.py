"""CTA Batch Studio's server (``streamlit run app.py``; ``make run``).

Streamlit detects ``app`` below and serves it with uvicorn: the dashboard (the page script
``dashboard.py``), ``/healthz`` and ``/metrics`` beside it on one port. The lifespan runs
once when the server starts and stops — migrations, the embedded worker or the production
sender start here, before anyone opens a page (a nightly restart leaves no work idle).
"""

import streamlit as st

from api.server import lifespan, middleware, on_script_error, routes

app = st.App("dashboard.py", lifespan=lifespan, routes=routes(), middleware=middleware(),
             on_script_error=on_script_error)
