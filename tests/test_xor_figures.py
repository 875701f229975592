"""The XOR figures draw what they claim: the network's weights by sign and size, readable labels, one cost."""

import numpy as np

from core.xor import figures as xor_figures
from core.xor import network_figure, replay
from core.xor.numpy_net import Params, Record, new_net, params_of


def test_the_diagram_draws_every_weight_by_sign_and_size_with_a_picture_per_unit():
    net = new_net(3, seed=1, init="uniform")
    params = params_of(net)
    fig = network_figure.network_diagram(params, "sigmoid")
    edges = [trace for trace in fig.data if trace.mode == "lines"]
    weights = np.concatenate([params.w1.ravel(), params.w2.ravel()])
    assert len(edges) == weights.size
    for edge, weight in zip(edges, weights):
        assert edge.line.color == (network_figure.POSITIVE if weight >= 0 else network_figure.NEGATIVE)
    widths = np.array([edge.line.width for edge in edges])
    assert widths[np.argmax(np.abs(weights))] == widths.max()
    hover = next(trace for trace in fig.data if trace.hovertext is not None)
    assert "w1[0,1] = " + f"{params.w1[0, 1]:.4f}" in hover.hovertext
    assert len(fig.layout.images) == 3 + 1  # one picture per hidden unit and one for the output


def test_the_diagram_lights_the_stage_and_prints_the_values():
    params = params_of(new_net(2, seed=0))
    fig = network_figure.network_diagram(params, "sigmoid", stage="w2")
    edges = [trace for trace in fig.data if trace.mode == "lines"]
    assert [edge.opacity for edge in edges] == [0.3] * 4 + [1.0] * 2
    assert [a.text for a in fig.layout.annotations] == ["h1", "h2", "ŷ"], "no values: each node's name"


def test_each_stage_labels_its_values_with_the_quantity_shown_not_the_node():
    params = params_of(new_net(3, seed=0))
    fig = network_figure.network_diagram(params, "sigmoid", stage="output_error", node_values={"output": [-0.759]})
    texts = [a.text for a in fig.layout.annotations]
    assert "<b>output_error</b>" in texts and "-0.759" in texts and "ŷ" not in texts
    assert any(a.hovertext == "output_error = -0.759" for a in fig.layout.annotations)
    fig = network_figure.network_diagram(
        params, "sigmoid", stage="hidden_delta", node_values={"hidden": [1e-3, 2e-3, 3e-3]}
    )
    hovers = [a.hovertext for a in fig.layout.annotations if a.hovertext]
    assert hovers == ["hidden_delta[0] = 0.001", "hidden_delta[1] = 0.002", "hidden_delta[2] = 0.003"]


def test_value_boxes_sit_on_their_own_node_so_they_never_cover_the_output():
    # Beside a node, the middle of 3 hidden units' label ran into the output's picture (same height, next column).
    fig = network_figure.network_diagram(
        params_of(new_net(3, seed=0)), "sigmoid", stage="H", node_values={"hidden": [0.5] * 3}
    )
    boxes = [a for a in fig.layout.annotations if a.yref == "y"]
    assert [a.x for a in boxes] == [1.0, 1.0, 1.0, 2.0], "each box is centred on its node's column"


def test_coinciding_points_in_hidden_space_share_one_marker_with_both_labels():
    params = Params(w1=np.zeros((2, 2)), w2=np.ones((2, 1)))
    fig = network_figure.hidden_space(params, "relu")
    assert len(fig.data[0].x) == 1 and fig.data[0].text[0].count("&") == 3


def test_labels_of_nearby_points_in_hidden_space_go_above_and_below():
    # The solved net of the phone screenshot: (0,1) and (1,0) share a marker right beside (1,1).
    xs, ys = [0.5, 0.72, 0.85, 0.9], [0.5, 1.0, 1.0, 0.2]
    assert network_figure.label_positions(xs, ys) == ["top center", "top left", "bottom right", "top center"]
    assert network_figure.label_positions([0.0, 1.0], [0.0, 1.0]) == ["top center"] * 2, "far apart: both above"
    one_unit = network_figure.label_positions([0.1, 0.2, 0.3], [0, 0, 0])
    assert one_unit == ["top left", "bottom right", "top center"], "on one line they alternate"


def test_loss_axes_label_only_powers_of_ten_and_long_curves_are_thinned():
    losses = np.geomspace(0.2, 1e-4, 50_001)
    fig = xor_figures.loss_curve({"NumPy": losses})
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.dtick == 1
    assert len(fig.data[0].x) <= xor_figures.MAX_CURVE_POINTS and fig.data[0].x[-1] == 50_000
    assert "C = ½Σ(y − ŷ)²" in fig.layout.title.text and "summed" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "C = ½Σ(y − ŷ)²"


def test_a_curve_that_ends_in_nan_is_marked_at_its_epoch():
    losses = np.r_[np.linspace(0.13, 0.12, 58), np.nan]
    fig = xor_figures.loss_curve({"trap": losses}, log_epochs=True)
    mark = fig.data[-1]
    assert mark.text[0] == "NaN at epoch 58" and fig.layout.xaxis.type == "log"


def test_heatmap_point_labels_sit_on_white_boxes():
    fig = xor_figures.decision_boundary(params_of(new_net(2, seed=0)), "sigmoid")
    assert len(fig.layout.annotations) == 4
    assert all(a.bgcolor.startswith("rgba(255,255,255") for a in fig.layout.annotations)


def trained_records(epochs=10_000, hidden=3):
    from core.xor.numpy_net import train

    return list(train(new_net(hidden, seed=0), epochs=epochs, learning_rate=0.5))


def test_the_replay_has_a_frame_per_kept_snapshot_opening_at_the_runs_end():
    records = trained_records()
    fig = replay.replay(records, "sigmoid")
    kept = replay.replay_records(records)
    assert len(kept) == min(len(records), replay.MAX_FRAMES) and kept[0] is records[0] and kept[-1] is records[-1]
    assert [frame.name for frame in fig.frames] == [str(r.epoch) for r in kept]
    for frame in fig.frames:  # ŷ over the square, the hidden units' lines, their values at the 4 points, the marker
        assert [trace.type for trace in frame.data] == ["heatmap", "scatter", "heatmap", "scatter"]
        assert list(frame.traces) == list(replay.REPLAY_TRACES)
    assert fig.frames[-1].data[3].x == (10_000,) and fig.frames[-1].data[3].y == (records[-1].loss,)
    assert fig.data[5].x == (10_000,)  # opens at the end: the marker, and the slider on its last step
    slider = fig.layout.sliders[0]
    assert slider.active == len(kept) - 1 and [s.label for s in slider.steps][-1] == "10,000"
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["▶ Play", "❚❚ Pause"]
    assert all(b.method == "animate" for b in fig.layout.updatemenus[0].buttons)  # played by plotly.js, not the server
    assert all(step.method == "animate" for step in slider.steps)
    assert len(fig.to_json()) < 600_000


def test_replay_frames_are_plain_lists_that_plotly_js_animates():
    """plotly.py turns numpy arrays into base64 typed arrays, which plotly.js does not decode in frames."""
    fig = replay.replay(trained_records(2_000), "sigmoid")
    frame = fig.to_plotly_json()["frames"][0]["data"]
    assert isinstance(frame[0]["z"], (list, tuple)) and isinstance(frame[2]["z"], (list, tuple))
    assert "bdata" not in str(fig.to_plotly_json()["frames"])


def test_a_long_run_is_thinned_to_sixty_frames_keeping_both_ends():
    records = [
        Record(e, 1.0 / (e + 1), [1.0 / (e + 1)] * 10, p, np.zeros(4))
        for e, p in enumerate([params_of(new_net(2, seed=0))] * 251)
    ]
    kept = replay.replay_records(records)
    assert len(kept) == replay.MAX_FRAMES and kept[0] is records[0] and kept[-1] is records[-1]


def test_each_hidden_units_line_is_where_its_weighted_input_is_zero():
    params = xor_figures.PREVIEW_PARAMS  # h1: 20·x1 + 20·x2 − 10 = 0, h2: −20·x1 − 20·x2 + 30 = 0
    xs, ys, labels = replay.unit_lines(params)
    assert [label for label in labels if label] == ["h1", "h2"]
    points = [(x, y) for x, y in zip(xs, ys) if x is not None]
    for x, y in points[:3]:
        assert abs(20 * x + 20 * y - 10) < 1e-6
    for x, y in points[3:]:
        assert abs(-20 * x - 20 * y + 30) < 1e-6
    flat = Params(w1=np.zeros((2, 1)), w2=np.ones((1, 1)), b1=np.ones((1, 1)))
    assert replay.unit_lines(flat) == ([], [], [])  # a unit with no line draws none


def test_the_home_preview_is_a_solved_xor():
    fig = xor_figures.preview()
    surface = np.asarray(fig.data[0].z)
    corners = surface[[8, 8, 24, 24], [8, 24, 8, 24]]  # the grid points at (0,0), (1,0), (0,1), (1,1)
    assert list(np.round(corners)) == [0, 1, 1, 0]


def test_a_loss_axis_within_one_decade_spans_the_decades_around_it():
    """At a live view's first frame the curve is one point: the axis still spans a whole decade, so its labels are
    0.1, 0.2, … and not a narrow range's repeated "1, 1, 1"."""
    axis = xor_figures.loss_axis([[0.13]], str)
    assert axis["type"] == "log" and axis["range"] == [-1.0, 0.0]
    assert xor_figures.loss_axis([[0.13, 0.3]], str)["range"] == [-1.0, 0.0]
    assert xor_figures.loss_axis([[0.5, 2.0]], str)["range"] == [-1.0, 1.0]
    assert "range" not in xor_figures.loss_axis([[float("nan")]], str)


def test_the_live_views_loss_axis_spans_a_decade_at_epoch_0_and_follows_the_curve():
    from core.xor import watch as xor_watch
    from core.xor import watch_figure
    from core.xor.experiment import XorSettings

    watch = xor_watch.start(XorSettings())
    frame = watch_figure.frame(watch)
    (loss,) = frame["loss"]["y"]
    assert frame["decades"] == (-1, 0) and 0.1 < loss < 1, "one loss point: the decade around it"
    xor_watch.advance(watch, 5_000)
    frame = watch_figure.frame(watch)
    low, high = frame["decades"]
    losses = [v for v in frame["loss"]["y"] if v is not None]
    assert watch.losses[-1] < 0.05 and 10.0**low <= min(losses) < 10.0 ** (low + 1), "past a decade it follows"
    assert 10.0 ** (high - 1) < max(losses) <= 10.0**high


def test_a_live_frame_is_numbers_and_labels_and_stays_small():
    """The canvas gets the post's four points large and labelled, or a data set's points by class, every value
    JSON can carry (a NaN loss as null), and a 1,000-point set in a few tens of kB."""
    import json

    from core.xor import watch as xor_watch
    from core.xor import watch_figure
    from core.xor.experiment import XorSettings

    watch = xor_watch.start(XorSettings(hidden_size=3))
    frame = watch_figure.frame(watch, lambda text: "«" + text + "»")
    (points,) = frame["points"]
    assert points["big"] and points["cls"] == "0110" and points["labels"] == xor_figures.POINT_LABELS
    assert len(frame["lines"]) <= 3 and all(len(line) == 4 for line in frame["lines"])
    assert frame["text"]["title"].startswith("«") and set(frame["text"]["legend"]) == {"unit", "train"}
    assert len(json.dumps(frame, allow_nan=False)) < 20_000
    watch.losses[0] = float("nan")
    assert watch_figure.frame(watch)["loss"]["y"] == [None]

    big = xor_watch.start(XorSettings(dataset="circle", points=1000, biases=True, features=("x1²",)))
    xor_watch.advance(big, 500)
    frame = watch_figure.frame(big)
    assert sum(len(group["cls"]) for group in frame["points"]) == 1000
    assert frame["lines"] == [] and set(frame["text"]["legend"]) == {"train", "test"}, "extra inputs: no lines"
    assert len(frame["loss"]["x"]) <= xor_figures.MAX_CURVE_POINTS
    assert len(json.dumps(frame, allow_nan=False)) < 40_000
