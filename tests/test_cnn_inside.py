"""Inside the CNN: the arithmetic the view shows is the network's own (convolution, ReLU, max-pool, softmax)."""

import copy

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from core import cnn
from core.cnn import explain as cnn_explain
from core.cnn import inside_figures
from core.cnn.data import load_split
from core.cnn.explain import ConvLayer


@pytest.fixture(scope="module")
def digit(mnist_root):
    images, labels = load_split(mnist_root, train=False, download=False)
    return images[0].numpy().astype(np.float32) / 255.0, int(labels[0])


@pytest.fixture(scope="module")
def acts(lesson_model_run, digit):
    return cnn_explain.activations(lesson_model_run[0], digit[0])


def pixels_to_check(feature_maps: np.ndarray, count: int = 6) -> list[tuple[int, int, int]]:
    """The strongest pixels of a few maps and some corner/edge pixels, where padding matters."""
    chosen = []
    for channel in range(0, len(feature_maps), max(1, len(feature_maps) // count)):
        row, col = np.unravel_index(int(np.argmax(feature_maps[channel])), feature_maps[channel].shape)
        chosen.append((channel, int(row), int(col)))
    size = feature_maps.shape[-1]
    chosen += [(1, 0, 0), (2, size - 1, size - 1), (3, 0, size // 2)]
    return chosen


@pytest.mark.parametrize("layer", [ConvLayer.CONV1, ConvLayer.CONV2])
def test_the_convolution_shown_equals_the_feature_map(lesson_model_run, digit, acts, layer):
    model = lesson_model_run[0]
    maps1, maps2 = cnn.feature_maps(model, digit[0])  # the model's own features(), after ReLU
    maps = maps1 if layer is ConvLayer.CONV1 else maps2
    checked_positive = 0
    for channel, row, col in pixels_to_check(maps):
        pixel = cnn_explain.conv_pixel(model, acts, layer, channel, row, col)
        # Σ patch × kernel + bias, written out from the numbers the view shows
        by_hand = sum(float(p) * float(k) for p, k in zip(pixel.patch.ravel(), pixel.kernel.ravel())) + pixel.bias
        assert pixel.total == pytest.approx(by_hand, abs=1e-9)
        assert pixel.relu == pytest.approx(float(maps[channel, row, col]), abs=1e-4)
        assert pixel.total == pytest.approx(float(acts.layer_output(layer)[channel, row, col]), abs=1e-4)
        checked_positive += pixel.relu > 0
    assert checked_positive >= 3, "the check must include pixels that ReLU lets through"


def test_conv2_patch_spans_every_input_map(lesson_model_run, acts):
    model = lesson_model_run[0]
    pixel = cnn_explain.conv_pixel(model, acts, ConvLayer.CONV2, 0, 0, 0)
    assert pixel.patch.shape == pixel.kernel.shape == (model.conv2.in_channels, 3, 3)
    assert np.all(pixel.patch[:, 0, :] == 0) and np.all(pixel.patch[:, :, 0] == 0)  # padding above and left
    assert pixel.channel_sums.sum() + pixel.bias == pytest.approx(pixel.total)


@pytest.mark.parametrize("layer", [ConvLayer.CONV1, ConvLayer.CONV2])
def test_the_pool_window_keeps_the_pooled_value(lesson_model_run, digit, acts, layer):
    model = lesson_model_run[0]
    maps = torch.from_numpy(np.stack(cnn.feature_maps(model, digit[0])[layer.value - 1]))
    pooled = F.max_pool2d(maps[None], 2)[0].numpy()
    size = maps.shape[-1]
    for channel, row, col in pixels_to_check(maps.numpy()) + [(0, size - 1, 0), (4, 5, 6)]:
        window = cnn_explain.pool_window(acts, layer, channel, row, col)
        assert window.top <= row <= window.top + 1 and window.left <= col <= window.left + 1
        assert window.kept == pytest.approx(float(pooled[channel, window.pooled_row, window.pooled_col]), abs=1e-5)
        assert window.kept == pytest.approx(float(acts.pooled(layer)[channel, window.pooled_row, window.pooled_col]))
        assert window.chosen_is_kept == (window.values[row % 2, col % 2] == window.values.max())


def test_the_softmax_steps_equal_predict_proba(lesson_model_run, digit, acts):
    model, (image, label) = lesson_model_run[0], digit
    soft = cnn_explain.softmax(acts, label)
    np.testing.assert_allclose(soft.exps / soft.total, soft.probabilities)
    np.testing.assert_allclose(soft.probabilities, cnn.predict_proba(model, image[None])[0], atol=1e-5)
    assert soft.total == pytest.approx(float(np.exp(acts.logits.astype(np.float64)).sum()), rel=1e-9)
    expected_loss = F.cross_entropy(torch.from_numpy(acts.logits)[None], torch.tensor([label])).item()
    assert soft.loss == pytest.approx(expected_loss, rel=1e-4, abs=1e-6)
    assert cnn_explain.softmax(acts).loss is None


def test_large_logits_are_shifted_without_changing_probabilities(acts):
    scaled = cnn_explain.Activations(**{**acts.__dict__, "logits": acts.logits * 100 + 500})
    soft = cnn_explain.softmax(scaled, 3)
    assert soft.shift > 0 and np.all(np.isfinite(soft.exps))
    z = scaled.logits.astype(np.float64)
    np.testing.assert_allclose(soft.probabilities, np.exp(z - z.max()) / np.exp(z - z.max()).sum())
    assert np.isfinite(soft.loss)


def test_shapes_follow_the_lesson(acts):
    assert [shape for _, shape in cnn_explain.shapes(acts)] == [
        (1, 28, 28),
        (32, 28, 28),
        (32, 14, 14),
        (64, 14, 14),
        (64, 7, 7),
        (3136,),
        (128,),
        (10,),
    ]


def test_browser_indices_are_clamped(lesson_model_run, acts):
    pixel = cnn_explain.conv_pixel(lesson_model_run[0], acts, ConvLayer.CONV1, 10_000, -5, 99)
    assert (pixel.channel, pixel.row, pixel.col) == (31, 0, 27)
    with pytest.raises(ValueError):
        cnn_explain.as_image(np.zeros((3, 3)))


@pytest.mark.parametrize("count, size", [(32, 28), (64, 14)])
def test_a_click_anywhere_in_a_map_picks_that_map(count, size):
    """The picker has one invisible point a map and no hover cutoff: plotly picks the nearest point, which must be
    the point of the tile under the pointer, wherever in the tile the click lands."""
    maps = np.random.default_rng(0).random((count, size, size)).astype(np.float32)
    fig = inside_figures.feature_map_picker(maps, selected=3)
    points = next(trace for trace in fig.data if trace.type == "scatter")
    xs, ys = np.asarray(points.x, float), np.asarray(points.y, float)
    assert fig.layout.hoverdistance == -1 and len(xs) == count
    assert list(points.customdata) == list(range(1, count + 1)), "the hover names each map, counting from 1"
    columns = inside_figures.mosaic_columns(count, size)
    step = size + inside_figures.MAP_GAP
    for index in range(count):
        row, col = divmod(index, columns)
        for fy, fx in [(0, 0), (0, 1), (1, 0), (1, 1), (0.5, 0.5), (0.1, 0.9)]:
            x, y = col * step - 0.5 + fx * size, row * step - 0.5 + fy * size  # the tile's pixel edges
            nearest = int(np.argmin((xs - x) ** 2 + (ys - y) ** 2))
            assert nearest == index, f"a click at ({x}, {y}) in map {index} picks map {nearest}"


def test_rows_and_columns_count_from_1_like_the_maps():
    """One convention on the page: map 1, row 1, column 1 are the first (core indexes from 0 underneath)."""
    from ui import cnn_arithmetic

    feature_map = np.arange(16, dtype=np.float32).reshape(4, 4)
    marker = inside_figures.pixel_picker(feature_map, (0, 0)).data[1]
    assert marker.customdata[0][:2].tolist() == [1, 1] and marker.customdata[-1][:2].tolist() == [4, 4]
    pixel = cnn_explain.ConvPixel(ConvLayer.CONV1, 0, 0, 2, np.zeros((1, 3, 3)), np.zeros((1, 3, 3)), 0.0)
    assert cnn_arithmetic.where(pixel) == "Convolution at row 1, column 3 of map 1"


def test_the_activations_path_ends_in_the_forwards_logits(lesson_model_run, digit):
    """CNN.activations (what the explainer, the doctor and the feature maps read) is the network the page trains and
    the post's forward, and the Lesson's model undoes the page's Normalize there as in its forward."""
    from core.lesson.cnn_script import as_page_model

    model = lesson_model_run[0]
    x = ((torch.from_numpy(digit[0]) - 0.1307) / 0.3081)[None, None]
    with torch.inference_mode():
        acts = model.activations(x)
        torch.testing.assert_close(acts.logits, model(x), atol=1e-5, rtol=1e-5)
        plain = copy.deepcopy(model).to(memory_format=torch.contiguous_format)  # the post's .view needs plain memory
        torch.testing.assert_close(acts.logits, cnn.lesson_forward(plain, x), atol=1e-5, rtol=1e-5)
        assert float(acts.relu2.amin()) >= 0 and float((acts.conv2 < 0).float().mean()) > 0.1  # ReLU cut something
        lesson_model = as_page_model(model)
        torch.testing.assert_close(lesson_model.activations(x).logits, lesson_model(x), atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(lesson_model.activations(x).x, x * 0.3081 + 0.1307)
