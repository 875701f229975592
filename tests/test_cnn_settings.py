"""A run's settings are declared once: RunSettings' fields are the page's Setting declarations, named as train()'s
and CNN()'s own arguments, with the declarations' defaults."""

import inspect
from dataclasses import fields

from core import cnn
from core.cnn import settings
from core.cnn.settings import RunSettings


def test_run_settings_are_the_declared_settings_with_their_defaults():
    assert {f.name for f in fields(RunSettings)} == set(settings.RUN_KEYS) | {"train_subset"}
    defaults = RunSettings()
    for name, setting in settings.RUN_KEYS.items():
        assert getattr(defaults, name) == setting.default and setting.valid(setting.default), name


def test_run_settings_are_train_and_cnn_arguments():
    run = RunSettings.of({"lr": 0.01, "seed": 3, "log_every": None, "download": False})  # other keys are ignored
    assert run.lr == 0.01 and run.seed == 3 and run.conv1_channels == settings.CONV1.default
    assert set(run.model_config()) == set(inspect.signature(cnn.CNN).parameters)
    assert set(run.train_kwargs()) | {"seed"} <= set(inspect.signature(cnn.train).parameters)


def test_the_largest_model_is_the_largest_of_each_choice():
    largest = cnn.CNN(**settings.MODEL_MAXIMA)
    assert largest.conv1.out_channels == max(settings.CONV1.options)
    assert largest.conv2.out_channels == max(settings.CONV2.options)
    assert largest.fc1.out_features == max(settings.HIDDEN.options)


def test_the_training_images_widget_offers_what_the_data_holds_within_the_declared_range():
    offered = settings.training_images(8000)
    assert offered.options[-1] == offered.default == 8000 and all(n < 8000 for n in offered.options[:-1])
    assert all(settings.TRAIN_SUBSET.valid(n) for n in offered.options)
    assert not settings.TRAIN_SUBSET.valid(0) and not settings.TRAIN_SUBSET.valid(settings.TRAIN_SUBSET.high + 1)
