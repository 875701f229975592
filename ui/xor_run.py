"""Training the XOR page's runs: shared results, the fair CPU gate, live charts while a run trains."""

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.serving.compute import ServerBusy, Turn
from core.xor import experiment as xe
from core.xor import figures as xor_figures
from core.xor.experiment import XorSettings, all_losses
from core.xor.numpy_net import Record
from core.xor.session import Run
from ui import server as serving
from ui import xor_history
from ui.common import error_text, plot, session_id, t
from ui.state import Xor

LIVE_REDRAW_SECONDS = 0.3  # live charts redraw at most this often: each redraw costs the browser ~50 ms


def _live_update(placeholder, name: str, records: list[Record], settings: XorSettings, turn: Turn) -> None:
    losses = all_losses(records)
    with placeholder.container():
        st.caption(
            t(
                "{name} training… epoch {epoch:,} of {epochs:,}",
                name=name,
                epoch=records[-1].epoch,
                epochs=settings.epochs,
            )
        )
        if turn.paused:
            st.caption(
                t("Someone is training a CNN on this shared server, so XOR takes turns with it and runs slower.")
            )
        plot(
            xor_figures.live_view(
                losses, records[-1].params, settings.activation, settings.epochs, tr=t, data=xe.dataset(settings)
            ),
            key=f"xor_live_{name}_{records[-1].epoch}",
        )


def train_live(settings: XorSettings, turn: Turn, placeholder: DeltaGenerator) -> dict:
    """Train each implementation, redrawing its loss and boundary in `placeholder` (an st.empty) while it trains."""
    results, last_drawn = {}, 0.0
    for name, run in xe.runs(settings).items():
        records = results.setdefault(name, [])
        for record in turn.paced(run):
            records.append(record)
            if time.monotonic() - last_drawn > LIVE_REDRAW_SECONDS:
                _live_update(placeholder, name, records, settings, turn)
                last_drawn = time.monotonic()
    placeholder.empty()
    return results


def trained(settings: XorSettings, live: DeltaGenerator | None = None) -> dict:
    """The records for these settings: shared across visitors, trained under the fair CPU gate when new (drawn live
    in `live`, an st.empty, when given)."""
    results = xe.RESULTS.get(settings)
    if results is None:
        with serving.short_work(session_id(), xe.cost_seconds(settings)) as turn:
            if live is not None:
                results = train_live(settings, turn, live)
            else:
                results = {name: list(turn.paced(run)) for name, run in xe.runs(settings).items()}
        xe.RESULTS.put(settings, results)
    return results


def start_run(settings: XorSettings, slot: DeltaGenerator) -> None:
    """Train these settings, live in `slot` (an st.empty the page keeps on every run, see views/xor.py), and make
    them the page's run; a busy server's message goes in the slot too."""
    try:
        results = trained(settings, live=slot)
    except ServerBusy as exc:
        slot.error(error_text(exc))
        return
    run_id = Xor.RUN_COUNT.get() + 1
    Xor.RUN_COUNT.set(run_id)
    Xor.RUN.set(Run(run_id, settings, results))
    Xor.STEP.pop()
    xor_history.add(run_id, settings, results)
