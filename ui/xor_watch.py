"""Watch it learn, live: the NumPy net trains a small chunk of epochs per redraw (about 8 a second while playing), each
chunk through the fair CPU gate, and the boundary, the loss curve and the hidden units are painted after each on the
page's own canvas (ui/live_canvas.py), which the browser keeps from one redraw to the next."""

import streamlit as st

from core.serving.compute import ServerBusy
from core.xor import watch as xor_watch
from core.xor import watch_figure
from core.xor.experiment import XorSettings, on_points
from core.xor.network_figure import network_diagram
from ui import server as serving
from ui.common import error_text, kept_figure, lang, plot, session_id, t
from ui.live_canvas import live_canvas
from ui.state import Xor


def _current(settings: XorSettings) -> xor_watch.Watch:
    watch = Xor.WATCH.get()
    if watch is None or watch.settings != settings:
        watch = xor_watch.start(settings)
        Xor.WATCH.set(watch)
    return watch


def _step(watch: xor_watch.Watch) -> bool:
    """One chunk of training under the fair gate; False (and paused) when the server is busy."""
    try:
        with serving.short_work(session_id(), xor_watch.chunk_cost(watch.settings)):
            xor_watch.advance(watch, xor_watch.chunk_epochs(watch.settings))
    except ServerBusy as exc:
        watch.playing = False
        st.warning(error_text(exc))
        return False
    return True


def _buttons(watch: xor_watch.Watch, settings: XorSettings) -> None:
    row = st.container(horizontal=True)
    if watch.playing:
        if row.button("❚❚ " + t("Pause"), key="xor_watch_pause"):
            watch.playing = False
            st.rerun()  # the whole page: the fragment stops its timer
    elif row.button("▶ " + t("Play"), key="xor_watch_play", type="primary", disabled=watch.done):
        watch.playing = True
        st.rerun()  # the whole page: the fragment starts its timer
    if row.button(t("Step"), key="xor_watch_step", disabled=watch.done or watch.playing):
        _step(watch)
    if row.button(t("Reset"), key="xor_watch_reset"):
        Xor.WATCH.set(xor_watch.start(settings))
        st.rerun()


def _paused_network(watch: xor_watch.Watch):
    """The network diagram while paused (~100 ms to build): kept until the watch, its epoch or the language change,
    so another widget's rerun does not build it again."""
    return kept_figure(
        Xor.WATCH_NETWORK,
        (watch.number, watch.last.epoch, lang()),
        lambda: network_diagram(watch.last.params, watch.settings.activation, tr=t),
    )


def _draw(watch: xor_watch.Watch) -> None:
    settings, last = watch.settings, watch.last
    accuracy = xor_watch.test_accuracy(watch)
    text = t(
        "epoch {epoch:,} of {epochs:,} · loss {loss:.4g}", epoch=last.epoch, epochs=settings.epochs, loss=last.loss
    )
    if accuracy is not None:
        text += " · " + t("test accuracy {accuracy:.0%}", accuracy=accuracy)
    st.caption(text)
    live_canvas(watch_figure.frame(watch, t), key="xor_watch_view")
    if not watch.playing:  # drawn while paused: its pictures cost ~100 ms, too much for 8 redraws a second
        plot(_paused_network(watch), key="xor_watch_net")
        st.caption(t("Each hidden unit's picture shows what it outputs over the input square."))


def _live(settings: XorSettings) -> None:
    watch = _current(settings)
    serving.live_view(watch.playing and not watch.done)
    if watch.playing and not watch.done and not _step(watch):
        st.rerun()
    if watch.playing and watch.done:
        watch.playing = False
        st.rerun()
    _buttons(watch, settings)
    _draw(watch)


def show_watch(settings: XorSettings) -> None:
    """The live view of the current settings; ticking only while it plays."""
    st.markdown(
        t(
            "Press **▶ Play** to train the NumPy net with the settings above and watch its boundary, loss and hidden "
            "units change about 8 times a second; **Step** trains one chunk; **Reset** starts again from epoch 0."
        )
    )
    if on_points(settings):
        st.caption(t("Filled points are training points, hollow ones test points the net never learns from."))
    watch = _current(settings)
    st.fragment(_live, run_every=xor_watch.TICK_SECONDS if watch.playing else None)(settings)
