"""Built-in challenges for a class: each opens with its starting settings and says, after every Train, whether its
goal is met. A link opens one by its id (?challenge=ID); nothing else of a link is shown as instructions."""

from collections.abc import Callable
from dataclasses import dataclass, fields

from core.settings import Setting
from core.xor.datasets import POST_XOR
from core.xor.experiment import DATASET_START, SPIRALS_RECIPE, Summary, XorSettings

SPIRALS_ACCURACY = 0.9
CIRCLE_ACCURACY = 0.95


@dataclass(frozen=True)
class Challenge:
    id: str
    title: str  # English; the page translates it
    goal: str  # English; the page translates it
    start: dict  # XorSettings fields the challenge opens with (the rest: the page's defaults)
    met: Callable[[XorSettings, Summary], bool]  # the success check, from a run's settings and summary


def _solves_post_xor(settings: XorSettings, result: Summary) -> bool:
    return settings.dataset == POST_XOR and result.solved and not result.diverged


def _fewest_for_xor(settings: XorSettings, result: Summary) -> bool:
    return _solves_post_xor(settings, result) and settings.hidden_size <= 2


def _only_the_learning_rate(settings: XorSettings, result: Summary) -> bool:
    """Every setting the post's but the learning rate, and the run does not solve XOR."""
    post = XorSettings()
    others = [f.name for f in fields(XorSettings) if f.name not in ("learning_rate", "implementation", "seed")]
    unchanged = all(getattr(settings, name) == getattr(post, name) for name in others)
    return unchanged and settings.learning_rate != post.learning_rate and not _solves_post_xor(settings, result)


def _spirals_with_few_units(settings: XorSettings, result: Summary) -> bool:
    good = settings.dataset == "spirals" and (result.test_accuracy or 0.0) >= SPIRALS_ACCURACY
    return good and settings.hidden_size <= 8


def _circle_without_a_hidden_layer(settings: XorSettings, result: Summary) -> bool:
    good = settings.dataset == "circle" and (result.test_accuracy or 0.0) >= CIRCLE_ACCURACY
    return good and settings.hidden_size == 1


CHALLENGES = {
    challenge.id: challenge
    for challenge in (
        Challenge(
            "fewest_xor",
            "Solve XOR with the fewest hidden units",
            "Train the post's net until all four outputs are right, with as few hidden units as you can. Met with "
            "2 hidden units or fewer.",
            {},
            _fewest_for_xor,
        ),
        Challenge(
            "break_lr",
            "Make training fail with the learning rate alone",
            "Keep every other setting as the post has it and change only the learning rate until the net no longer "
            "solves XOR.",
            {},
            _only_the_learning_rate,
        ),
        Challenge(
            "spirals",
            "Solve the spirals with the fewest units",
            "Reach a test accuracy of at least 90% on the two spirals with 8 hidden units or fewer. The extra inputs "
            "help.",
            SPIRALS_RECIPE,
            _spirals_with_few_units,
        ),
        Challenge(
            "circle_linear",
            "Solve the circle with no hidden layer",
            "Reach a test accuracy of at least 95% on the circle with 1 hidden unit by choosing extra inputs. One "
            "unit draws one straight line through the inputs, exactly what a net with no hidden layer can do.",
            {**DATASET_START, "dataset": "circle", "hidden_size": 1},
            _circle_without_a_hidden_layer,
        ),
    )
}

CHALLENGE = Setting("challenge", "Challenge", "", ("", *CHALLENGES))
