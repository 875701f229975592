"""A teacher's class link: ?hide= leaves controls out (by the settings' own URL keys, with or without the "xor_"
prefix), ?challenge=ID opens a built-in challenge, and "Make a class link" builds such a link from the page.

Only keys and ids are read from a link; a link's free text is never shown as instructions, and unknown names are
named back as plain text in a warning."""

from urllib.parse import urlencode

import streamlit as st

from core.xor import experiment as xe
from core.xor.challenges import CHALLENGE, CHALLENGES, Challenge
from core.xor.datasets import FEATURE_SETTINGS
from core.xor.experiment import XorSettings
from core.xor.session import Run
from ui.common import plain, t

HIDE = "hide"
MAX_HIDE_TEXT = 400  # a longer ?hide= is cut here: it names every control well within this
CONTROLS = {setting.key: setting for setting in (CHALLENGE, *xe.FIELD_SETTINGS.values(), *FEATURE_SETTINGS.values())}
CHALLENGE_TITLES = {challenge.id: challenge.title for challenge in CHALLENGES.values()}


def _known(name: str) -> str | None:
    for key in (name, "xor_" + name):
        if key in CONTROLS:
            return key
    return None


def hidden_controls() -> set[str]:
    """The controls the link hides, by their URL keys; unknown names get a warning."""
    raw = st.query_params.get(HIDE)
    if not raw:
        return set()
    names = [name.strip() for name in raw[:MAX_HIDE_TEXT].split(",") if name.strip()]
    unknown = [name for name in names if _known(name) is None]
    if unknown:
        st.warning(
            t(
                "The link's hide= names controls this page does not have, so they are ignored: {names}",
                names=plain(", ".join(unknown)[:80]),
            )
        )
    return {_known(name) for name in names} - {None}


def _open(challenge: Challenge, keep_linked: bool) -> None:
    """Set the challenge's starting settings (the rest to their defaults); a link's own values stay when asked."""
    start = {**{field: setting.default for field, setting in xe.FIELD_SETTINGS.items()}, **challenge.start}
    values = {xe.FIELD_SETTINGS[field].key: value for field, value in start.items() if field != "features"}
    values.update({s.key: name in start.get("features", ()) for name, s in FEATURE_SETTINGS.items()})
    for key, value in values.items():
        if not (keep_linked and key in st.query_params):
            st.session_state[key] = value


def _picked() -> None:
    chosen = CHALLENGES.get(st.session_state[CHALLENGE.key])
    if chosen is not None:
        _open(chosen, keep_linked=False)


def challenge_picker(hidden: set[str]) -> Challenge | None:
    """The challenge chosen on the page or by ?challenge=ID (opened with its settings on the session's first run)."""
    if CHALLENGE.key not in st.session_state:
        raw = st.query_params.get(CHALLENGE.key)
        value = raw if raw in CHALLENGES else ""
        if raw and value == "":
            st.warning(t("The link's challenge {name} is not one of this page's challenges.", name=plain(raw[:40])))
        if value:
            _open(CHALLENGES[value], keep_linked=True)
        st.session_state[CHALLENGE.key] = value
    if CHALLENGE.key not in hidden:
        st.selectbox(
            t(CHALLENGE.label),
            CHALLENGE.options,
            key=CHALLENGE.key,
            format_func=lambda key: t(CHALLENGE_TITLES[key]) if key else t("None: explore freely"),
            on_change=_picked,
        )
    chosen = st.session_state.get(CHALLENGE.key, "")
    if chosen:
        st.query_params[CHALLENGE.key] = chosen
    elif CHALLENGE.key in st.query_params:
        del st.query_params[CHALLENGE.key]
    return CHALLENGES.get(chosen)


def challenge_met(challenge: Challenge, run: Run | None) -> bool | None:
    """Whether the last run meets the challenge (its first implementation's result); None before any run."""
    if run is None:
        return None
    name, records = next(iter(run.results.items()))
    return challenge.met(run.settings, xe.summary(records, run.settings, name))


def show_challenge(challenge: Challenge, met: bool | None) -> None:
    """The challenge's goal, and after a run whether it is met."""
    with st.container(border=True):
        st.markdown("**🏁 " + t(challenge.title) + "**")
        st.write(t(challenge.goal))
        if met is None:
            st.caption(t("Press **Train** to check."))
        elif met:
            st.success(t("Challenge met ✅"))
        else:
            st.info(t("Not met yet: change the settings and train again."))


def link_params(settings: XorSettings, hidden: list[str], challenge: str) -> dict[str, str]:
    """The URL values of a link to these settings: each setting that is not its default, by its own key."""
    values = {setting.key: getattr(settings, field) for field, setting in xe.FIELD_SETTINGS.items()}
    values.update({setting.key: name in settings.features for name, setting in FEATURE_SETTINGS.items()})
    params = {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in values.items()
        if value != CONTROLS[key].default
    }
    if hidden:
        params[HIDE] = ",".join(hidden)
    if challenge:
        params[CHALLENGE.key] = challenge
    return params


def class_link_section(settings: XorSettings, hidden: set[str]) -> None:
    """A link to this page with its settings, the controls chosen to hide and the challenge."""
    with st.expander(t("🔗 Make a class link")):
        chosen = st.multiselect(
            t("Hide these controls"),
            list(CONTROLS),
            default=sorted(hidden),
            format_func=lambda key: t(CONTROLS[key].label),
            key="xor_link_hide",
        )
        if st.button(t("Make a class link"), key="xor_make_link"):
            params = link_params(settings, chosen, st.session_state.get(CHALLENGE.key, ""))
            if "lang" in st.query_params:
                params["lang"] = st.query_params["lang"]
            base = (st.context.url or "").split("?")[0]
            st.code(base + "?" + urlencode(params, safe=","), language=None)
            st.caption(t("Students who open it see these settings; the hidden controls keep the values shown."))
