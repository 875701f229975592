"""The XOR page's data sets and extra inputs: right shapes, balanced classes, reproducible by seed, bounded, and the
page's starting settings learn them (Circle ≥ 95% test accuracy over seeds; the spirals recipe solves the spirals)."""

import numpy as np
import pytest

from core.xor import experiment as xe
from core.xor.datasets import DATASETS, MAX_POINTS, POST_XOR, make_dataset
from core.xor.features import FEATURES, expand
from core.xor.numpy_net import X_XOR, Y_XOR

GENERATED = [name for name in DATASETS if name != POST_XOR]


@pytest.mark.parametrize("name", GENERATED)
@pytest.mark.parametrize("points,test_percent", [(20, 10), (200, 30), (MAX_POINTS, 50)])
def test_each_set_has_the_asked_points_split_and_balanced(name, points, test_percent):
    data = make_dataset(name, noise=0.1, points=points, test_percent=test_percent, seed=3)
    assert len(data.X_train) + len(data.X_test) == points
    assert len(data.X_test) == round(points * test_percent / 100)
    assert data.X_train.shape[1] == 2 and data.y_train.shape == (len(data.X_train), 1)
    labels = np.concatenate([data.y_train, data.y_test]).ravel()
    assert set(np.unique(labels)) == {0.0, 1.0} and abs(labels.sum() - points / 2) <= 0.5, "half of each class"
    both = np.concatenate([data.X_train, data.X_test])
    assert both.min() >= -0.5 and both.max() <= 1.5, "inside the window every figure draws"


@pytest.mark.parametrize("name", GENERATED)
def test_a_seed_gives_the_same_points_and_another_seed_others(name):
    first, again, other = (make_dataset(name, 0.1, 200, 30, seed) for seed in (5, 5, 6))
    assert np.array_equal(first.X_train, again.X_train) and np.array_equal(first.y_test, again.y_test)
    assert not np.array_equal(first.X_train, other.X_train)


def test_noise_moves_the_points():
    calm, noisy = make_dataset("circle", 0.0, 200, 30, 1), make_dataset("circle", 0.5, 200, 30, 1)
    radius = np.hypot(*(calm.X_train - 0.5).T)
    assert radius[calm.y_train.ravel() == 1].max() < radius[calm.y_train.ravel() == 0].min(), "no noise: apart"
    assert not np.allclose(calm.X_train, noisy.X_train)


def test_the_posts_xor_is_its_four_points_and_out_of_range_values_are_refused():
    data = make_dataset(POST_XOR)
    assert np.array_equal(data.X_train, X_XOR) and np.array_equal(data.y_train, Y_XOR) and len(data.X_test) == 0
    for bad in ({"points": MAX_POINTS + 1}, {"points": 5}, {"noise": 0.7}, {"test_percent": 95}):
        with pytest.raises(ValueError):
            make_dataset("circle", **{"noise": 0.1, "points": 200, "test_percent": 30, **bad})
    assert xe.XorSettings(dataset="circle", points=MAX_POINTS + 1).problems()
    assert xe.XorSettings(dataset="nope").problems() and xe.XorSettings(features=("x3",)).problems()


def test_extra_inputs_are_computed_around_the_centre_in_a_fixed_order():
    X = np.array([[0.5, 0.5], [1.0, 0.0]])
    assert np.array_equal(expand(X), X)
    wide = expand(X, ("sin x2", "x1²"))  # asked out of order: they come in FEATURES' order
    assert wide.shape == (2, 4)
    assert np.allclose(wide[1], [1.0, 0.0, 0.25, np.sin(-2.0)])
    assert expand(X, tuple(FEATURES)).shape == (2, 7) and np.allclose(expand(X, tuple(FEATURES))[0, 2:], 0.0)


def test_the_post_xor_settings_train_exactly_as_before():
    settings = xe.XorSettings(epochs=500)
    assert xe.is_post_xor(settings) and not xe.on_points(settings)
    records = list(xe.runs(settings)["NumPy"])
    from core.xor.numpy_net import new_net, train

    alone = list(train(new_net(3, seed=0), epochs=500))
    assert records[-1].loss == alone[-1].loss and np.array_equal(records[-1].params.w1, alone[-1].params.w1)


def circle_accuracy(seed: int, implementation: str = "numpy") -> float:
    settings = xe.XorSettings(dataset="circle", seed=seed, implementation=implementation, **xe.DATASET_START)
    name, run = next(iter(xe.runs(settings).items()))
    return xe.summary(list(run), settings, name).test_accuracy


def test_circle_with_the_pages_start_reaches_95_percent_on_test_points_for_every_seed():
    accuracies = [circle_accuracy(seed) for seed in range(8)]
    print("Circle test accuracy, seeds 0-7:", accuracies)
    assert min(accuracies) >= 0.95
    assert not xe.XorSettings(dataset="circle", **xe.DATASET_START).problems(), "one click may train it"


def test_pytorch_learns_the_circle_too():
    assert circle_accuracy(0, "torch") >= 0.95


def test_the_spirals_recipe_the_page_offers_solves_them():
    for seed in (0, 1):
        settings = xe.XorSettings(seed=seed, **xe.SPIRALS_RECIPE)
        assert not settings.problems()
        info = xe.summary(list(xe.runs(settings)["NumPy"]), settings)
        print("spirals seed", seed, "test accuracy", info.test_accuracy)
        assert info.test_accuracy >= 0.9
