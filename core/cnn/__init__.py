"""The MNIST CNN: `from core import cnn` gives the network (model.py), its training (training.py), evaluation and
prediction (inference.py)."""

from core.cnn.inference import EVAL_BATCH, evaluate, feature_maps, predict_proba, saliency
from core.cnn.model import CNN, build_model, difference_from_lesson, lesson_forward, model_device
from core.cnn.training import (
    RECIPE,
    check_fits,
    lesson_loader,
    loss_and_optimizer,
    normalized_loader,
    train,
    train_epoch,
)

__all__ = [
    "CNN",
    "EVAL_BATCH",
    "RECIPE",
    "build_model",
    "check_fits",
    "difference_from_lesson",
    "evaluate",
    "feature_maps",
    "lesson_forward",
    "lesson_loader",
    "loss_and_optimizer",
    "model_device",
    "normalized_loader",
    "predict_proba",
    "saliency",
    "train",
    "train_epoch",
]
