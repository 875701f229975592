"""The MNIST CNN: `from core import cnn` gives the network and its training, evaluation and prediction."""

from core.cnn.model import CNN, build_model, difference_from_lesson, lesson_forward, model_device
from core.cnn.training import (
    EVAL_BATCH,
    RECIPE,
    check_fits,
    evaluate,
    feature_maps,
    lesson_loader,
    loss_and_optimizer,
    normalized_loader,
    predict_proba,
    saliency,
    test_report,
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
    "test_report",
    "train",
    "train_epoch",
]
