"""One update slowed down, the shown code is the code that runs, exports reproduce the page, every number is true."""

import inspect
import subprocess
import sys

import numpy as np
import pytest
import torch

from core.xor import experiment as xor_experiment
from core.xor import export
from core.xor import numpy_net as xor_numpy
from core.xor import torch_net as xor_torch
from core.xor.experiment import XorSettings
from core.xor.numpy_net import (
    X_XOR,
    Y_XOR,
    PlaygroundNet,
    SimpleNeuralNetwork,
    new_net,
    sigmoid,
    solves_xor,
    step_trace,
)


def test_step_trace_is_one_backward_step_with_the_lessons_quantities():
    net, twin = new_net(3, seed=4), new_net(3, seed=4)
    trace = step_trace(net, X_XOR, Y_XOR, 0.5)
    assert set(xor_numpy.TRACE_KEYS) <= set(trace)
    twin.forward(X_XOR)
    twin.backward(X_XOR, Y_XOR, 0.5)
    assert np.array_equal(net.w1, twin.w1) and np.array_equal(net.w2, twin.w2)
    assert np.array_equal(trace["w1"], net.w1) and np.array_equal(trace["w2"], net.w2)
    w1, w2 = trace["w1_before"], trace["w2_before"]
    a1 = X_XOR @ w1
    h = sigmoid(a1)
    y_hat = sigmoid(h @ w2)
    output_error = Y_XOR - y_hat
    output_delta = output_error * y_hat * (1 - y_hat)
    hidden_error = output_delta @ w2.T
    hidden_delta = hidden_error * h * (1 - h)
    expected = {
        "A1": a1,
        "H": h,
        "A2": h @ w2,
        "Y_hat": y_hat,
        "output_error": output_error,
        "output_delta": output_delta,
        "hidden_error": hidden_error,
        "hidden_delta": hidden_delta,
        "w2": w2 + h.T @ output_delta * 0.5,
        "w1": w1 + X_XOR.T @ hidden_delta * 0.5,
    }
    for name, value in expected.items():
        assert np.allclose(trace[name], value, atol=1e-14), name


@pytest.mark.parametrize("options", [{}, {"activation": "tanh", "biases": True, "init": "uniform"}])
def test_step_trace_update_equals_autograd_gradient_of_the_sum(options):
    net = new_net(4, seed=2, **options)
    lr = 0.3
    params = {
        name: torch.tensor(getattr(net, name), requires_grad=True)
        for name in ("w1", "w2", "b1", "b2")
        if getattr(net, name, None) is not None
    }
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}[options.get("activation", "sigmoid")]
    X, y = torch.tensor(X_XOR), torch.tensor(Y_XOR)
    h = act(X @ params["w1"] + params.get("b1", 0.0))
    y_hat = torch.sigmoid(h @ params["w2"] + params.get("b2", 0.0))
    (0.5 * ((y - y_hat) ** 2).sum()).backward()
    trace = step_trace(net, X_XOR, Y_XOR, lr)
    assert np.allclose(trace["Y_hat"], y_hat.detach().numpy(), atol=1e-14)
    for name in ("w1", "w2"):
        assert np.allclose(trace[name], trace[f"{name}_before"] - lr * params[name].grad.numpy(), atol=1e-13)


def test_the_shown_class_is_the_lessons_and_runs_for_the_lessons_settings():
    net = xor_experiment.numpy_net(XorSettings())
    assert type(net) is SimpleNeuralNetwork
    source = inspect.getsource(SimpleNeuralNetwork)
    assert "self.w2 += self.H.T.dot(output_delta) * learning_rate" in source
    assert "self.w1 += X.T.dot(hidden_delta) * learning_rate" in source
    assert "def __init__(self, input_size, hidden_size, output_size):" in source
    assert inspect.getsourcefile(SimpleNeuralNetwork).endswith("lesson/xor_numpy.py"), "the post's file, verbatim"
    assert "output_error = y - self.Y_hat # dC/dy" in source and "bias" not in source
    assert isinstance(xor_experiment.numpy_net(XorSettings(biases=True)), PlaygroundNet)


def test_the_torch_recipe_shows_the_lessons_loop_and_the_page_runs_it():
    loop = inspect.getsource(xor_torch.RECIPE[2])
    order = [
        loop.index(part)
        for part in ("zero_grad()", "model(X)", "criterion(outputs, y)", "loss.backward()", "optimizer.step()")
    ]
    assert order == sorted(order)
    assert "training_loop(" in inspect.getsource(xor_torch.train)


def run_script(source: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, timeout=120, env={"PYTHONPATH": ""}
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "settings",
    [
        XorSettings(epochs=2000, seed=3, hidden_size=3),
        XorSettings(
            epochs=800, seed=1, hidden_size=4, activation="tanh", biases=True, init="xavier", learning_rate=0.3
        ),
        XorSettings(epochs=300, derivative_of="pre_activation"),
    ],
)
def test_exported_script_needs_only_numpy_and_prints_the_pages_final_loss(settings):
    script = export.xor_script(settings)
    assert "import torch" not in script and "from core" not in script
    records = list(xor_experiment.runs(settings)["NumPy"])
    last_line = run_script(script)
    assert last_line.startswith("final loss: ")
    value = float(last_line.removeprefix("final loss: "))
    page = records[-1].loss
    assert (np.isnan(value) and np.isnan(page)) or value == page


def test_half_and_nan_never_solve_xor():
    assert not solves_xor([0.5, 0.9, 0.9, 0.1])
    assert not solves_xor([0.1, 0.9, 0.9, np.nan])
    assert not solves_xor([np.nan] * 4)
    assert solves_xor([0.1, 0.9, 0.9, 0.1])
    many = xor_numpy.train_many(2, [0], epochs=1, learning_rate=0.5, activation="relu")
    net = new_net(2, seed=0, activation="relu")
    assert many.solved[0] == solves_xor(net.forward(X_XOR))


def test_relu_without_biases_outputs_exactly_half_at_the_origin_and_that_is_not_solved():
    settings = XorSettings(activation="relu", epochs=3000)
    records = list(xor_experiment.runs(settings)["NumPy"])
    assert records[-1].outputs[0] == 0.5
    assert not xor_experiment.summary(records, settings).solved


def test_the_trap_reports_its_real_nan_epoch_and_its_cause():
    settings = XorSettings(derivative_of="pre_activation", learning_rate=0.5)
    records = list(xor_experiment.runs(settings)["NumPy"])
    info = xor_experiment.summary(records, settings)
    losses = np.concatenate([r.losses for r in records])
    first_nan = int(np.argmin(np.isfinite(losses)))
    assert info.diverged and info.cause == "trap" and info.epochs_run == first_nan
    assert 0 < first_nan < 200 and np.isfinite(losses[:first_nan]).all()
    assert xor_experiment.summary(records, XorSettings(learning_rate=0.5)).cause == "learning_rate"


@pytest.mark.parametrize("torch_start", xor_experiment.TORCH_STARTS)
def test_torch_records_use_the_posts_cost_and_end_at_the_right_epoch(torch_start):
    settings = XorSettings(implementation="torch", epochs=300, seed=2, torch_start=torch_start)
    records = list(xor_experiment.runs(settings)["PyTorch"])
    losses = np.concatenate([r.losses for r in records])
    assert len(losses) == 301 and records[-1].epoch == 300
    with torch.no_grad():
        start = xor_experiment.torch_model(settings)(torch.tensor(X_XOR, dtype=torch.float32)).double().numpy()
    assert np.isclose(losses[0], 0.5 * np.sum((Y_XOR - start) ** 2), rtol=1e-6), "C = ½Σ(y − ŷ)², a sum"


def test_work_per_click_is_bounded():
    assert XorSettings(implementation="both", epochs=50_000, hidden_size=16).problems()
    assert not XorSettings(implementation="both", epochs=10_000).problems()
    assert not XorSettings(epochs=50_000, hidden_size=16).problems()
    assert xor_experiment.many_seeds_epochs(XorSettings(epochs=50_000)) == xor_experiment.MANY_SEEDS_MAX_EPOCHS
