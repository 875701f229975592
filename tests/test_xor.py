import numpy as np
import pytest
import torch

from core.xor import torch_net as xor_torch
from core.xor.gradcheck import autograd_gradients, finite_difference_gradients, gradient_check, hand_gradients
from core.xor.numpy_net import (
    X_XOR,
    Y_XOR,
    Params,
    PlaygroundNet,
    SimpleNeuralNetwork,
    deltas,
    forward_pass,
    new_net,
    params_of,
    sigmoid,
    sigmoid_derivative,
    solves_xor,
    train,
    train_many,
    updates,
)


def trained(net, epochs=10_000, lr=0.5):
    for _ in range(epochs):
        net.forward(X_XOR)
        net.backward(X_XOR, Y_XOR, lr)
    return net.forward(X_XOR)


def test_sigmoid_derivative_takes_the_output():
    x = np.linspace(-6, 6, 25)
    analytic = np.exp(-x) / (1 + np.exp(-x)) ** 2
    assert np.allclose(sigmoid_derivative(sigmoid(x)), analytic, atol=1e-12)
    assert not np.allclose(sigmoid_derivative(x), analytic, atol=1e-3)


def test_lesson_defaults_are_the_lesson():
    np.random.seed(3)
    expected_w1, expected_w2 = np.random.rand(2, 4), np.random.rand(4, 1)
    np.random.seed(3)
    net = SimpleNeuralNetwork(2, 4, 1)
    assert np.array_equal(net.w1, expected_w1) and np.array_equal(net.w2, expected_w2)
    seeded = new_net(4, seed=3)
    assert type(seeded) is SimpleNeuralNetwork
    assert np.array_equal(seeded.w1, expected_w1) and np.array_equal(seeded.w2, expected_w2)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("biases", [False, True])
def test_hand_gradients_equal_autograd(activation, biases):
    rng = np.random.default_rng(0)
    for trial in range(5):
        net = PlaygroundNet(2, 5, 1, seed=trial, biases=biases, activation=activation, init="uniform")
        net.w1 = rng.normal(size=net.w1.shape) * 2
        net.w2 = rng.normal(size=net.w2.shape) * 2
        if biases:
            net.b1, net.b2 = rng.normal(size=net.b1.shape), rng.normal(size=net.b2.shape)
        X = rng.normal(size=(7, 2))
        y = rng.random((7, 1))
        hand, auto = hand_gradients(net, X, y), autograd_gradients(net, X, y)
        assert set(hand) == set(auto)
        for name in hand:
            assert np.max(np.abs(hand[name] - auto[name])) < 1e-12, name


def test_finite_differences_agree_and_the_trap_does_not():
    net = new_net(3, seed=1)
    numeric = finite_difference_gradients(net)
    hand = hand_gradients(net)
    assert all(np.max(np.abs(hand[k] - numeric[k])) < 1e-8 for k in hand)
    rows = gradient_check(PlaygroundNet(2, 3, 1, seed=1, derivative_of="pre_activation"))
    assert all(r["max |hand − autograd|"] > 1e-4 for r in rows)


def test_backward_is_the_lesson_update():
    net = new_net(2, seed=0)
    w1, w2 = net.w1.copy(), net.w2.copy()
    y_hat = net.forward(X_XOR)
    output_delta = (Y_XOR - y_hat) * y_hat * (1 - y_hat)
    hidden_delta = output_delta @ w2.T * net.H * (1 - net.H)
    net.backward(X_XOR, Y_XOR, 0.5)
    assert np.allclose(net.w2, w2 + 0.5 * net.H.T @ output_delta)
    assert np.allclose(net.w1, w1 + 0.5 * X_XOR.T @ hidden_delta)


def test_lesson_setup_solves_xor_with_a_fixed_seed():
    out = trained(new_net(3, seed=0))
    assert solves_xor(out)
    assert np.max(np.abs(out - Y_XOR)) < 0.2


def test_one_hidden_unit_cannot_solve_xor():
    result = train_many(1, range(20), epochs=5000)
    assert not result.solved.any()


def test_vectorised_trainer_equals_single_nets():
    seeds = [0, 4, 9]
    for biases, activation in [(False, "sigmoid"), (True, "tanh")]:
        result = train_many(3, seeds, epochs=1500, biases=biases, activation=activation, init="uniform")
        for i, seed in enumerate(seeds):
            net = PlaygroundNet(2, 3, 1, seed=seed, biases=biases, activation=activation, init="uniform")
            out = trained(net, epochs=1500)
            assert np.allclose(result.params.w1[i], net.w1, atol=1e-10)
            assert np.allclose(result.params.w2[i], net.w2, atol=1e-10)
            assert result.solved[i] == solves_xor(net.forward(X_XOR))
            assert np.allclose(result.outputs[i], out.reshape(-1), atol=1e-10)


def test_success_rate_grows_with_hidden_size():
    rates = [train_many(h, range(50)).solved.mean() for h in (1, 2, 3)]
    assert rates[0] == 0.0 and rates[1] > 0.85 and rates[2] == 1.0
    solved = train_many(3, range(50))
    assert (solved.epochs_to_solve[solved.solved] > 0).all()


def test_train_generator_records_loss_history():
    records = list(train(new_net(2, seed=0), epochs=1000, snapshots=10))
    assert [r.epoch for r in records][0] == 0 and records[-1].epoch == 1000
    assert sum(len(r.losses) for r in records) == 1001
    assert records[-1].loss < records[0].loss


def test_torch_version_starts_from_the_same_weights_and_learns():
    net = new_net(3, seed=0)
    model = xor_torch.from_numpy_net(net, dtype=torch.float64)
    with torch.no_grad():
        assert np.allclose(model(torch.tensor(X_XOR)).numpy(), net.forward(X_XOR))
    records = list(xor_torch.train(xor_torch.from_numpy_net(net), epochs=10_000))
    assert solves_xor(records[-1].outputs)
    assert records[-1].loss < records[0].loss / 5
    assert records[-1].params.w1.shape == (2, 3)


def test_a_huge_learning_rate_saturates_the_net_without_crashing():
    records = list(train(new_net(2, seed=0), epochs=200, learning_rate=1e6))
    losses = np.concatenate([r.losses for r in records])
    assert records[-1].epoch == 200 and len(losses) == 201 and np.isfinite(losses).all(), "every epoch ran"
    assert not solves_xor(records[-1].outputs)
    assert losses[0] != losses[5] and np.all(losses[5:] == losses[5]), "one jump, then saturated sigmoids stop it"


def test_the_posts_class_computes_what_the_batched_pair_computes():
    for seed in range(3):
        post = new_net(3, seed=seed)
        assert type(post) is SimpleNeuralNetwork
        before = params_of(post).copy()
        post.forward(X_XOR)
        done = forward_pass(X_XOR, before)
        for name in ("A1", "H", "A2", "Y_hat"):
            assert np.array_equal(getattr(post, name), getattr(done, name)), name
        post.backward(X_XOR, Y_XOR, 0.5)
        after = before.stepped(updates(X_XOR, done, deltas(Y_XOR, done, before.w2), biases=False), 0.5)
        assert np.allclose(post.w1, after.w1, rtol=0, atol=1e-15) and np.allclose(post.w2, after.w2, rtol=0, atol=1e-15)


def test_the_pair_runs_stacked_nets_as_each_alone():
    nets = [new_net(3, seed=seed, biases=True, init="uniform", activation="tanh") for seed in range(4)]
    stacked = Params(*(np.stack([getattr(net, name) for net in nets]) for name in ("w1", "w2", "b1", "b2")))
    together = forward_pass(X_XOR, stacked, "tanh")
    assert together.Y_hat.shape == (4, 4, 1)
    for i, net in enumerate(nets):
        alone = forward_pass(X_XOR, params_of(net), "tanh")
        assert np.allclose(together.Y_hat[i], alone.Y_hat, atol=1e-15)
        steps = updates(X_XOR, together, deltas(Y_XOR, together, stacked.w2, "tanh"), biases=True)
        own = updates(X_XOR, alone, deltas(Y_XOR, alone, net.w2, "tanh"), biases=True)
        for name in ("w1", "w2", "b1", "b2"):
            assert np.allclose(getattr(steps, name)[i], getattr(own, name), atol=1e-14), name


def test_the_page_runs_the_posts_own_code():
    import lesson.xor_numpy
    from core.xor import numpy_net as xor_numpy

    for name in ("SimpleNeuralNetwork", "sigmoid", "sigmoid_derivative"):
        assert getattr(xor_numpy, name) is getattr(lesson.xor_numpy, name), name
    assert "output_error" in xor_numpy.TRACE_KEYS and "error" not in xor_numpy.TRACE_KEYS


def test_the_cost_is_the_posts_sum_not_a_mean():
    from core.xor.numpy_net import cost

    assert cost(Y_XOR, np.zeros_like(Y_XOR)) == 1.0  # ½ · (0 + 1 + 1 + 0)
    records = list(train(new_net(seed=0), epochs=10, snapshots=10))
    first = new_net(seed=0).forward(X_XOR)
    assert np.isclose(records[0].loss, 0.5 * np.sum((Y_XOR - first) ** 2))
    many = train_many(3, [0], epochs=10)
    single = list(train(new_net(3, seed=0), epochs=10))[-1]
    assert np.isclose(many.final_loss[0], single.loss)


@pytest.mark.parametrize("biases", [False, True])
@pytest.mark.parametrize("seed", [0, 7])
def test_mse_loss_gradient_is_half_the_hand_written_one_for_every_weight(biases, seed):
    net = new_net(3, seed=seed, biases=biases, init="uniform")
    ratios = xor_torch.mse_gradient_ratio(net)
    assert len(ratios) == 6 + 3 + (4 if biases else 0)
    assert all(abs(ratio - 0.5) < 1e-9 for ratio in ratios.values()), ratios


def test_the_defaults_are_the_posts_three_hidden_units():
    from core.xor import experiment as xor_experiment
    from core.xor import export
    from core.xor.experiment import XorSettings

    assert xor_experiment.HIDDEN.default == XorSettings().hidden_size == 3
    assert xor_torch.XORNet().hidden.out_features == 3
    assert "SimpleNeuralNetwork(2, 3, 1)" in export.xor_script()


def test_the_default_pytorch_net_is_the_posts_biases_and_its_own_start():
    from core.xor import experiment as xor_experiment
    from core.xor.experiment import XorSettings

    state = torch.random.get_rng_state()
    model = xor_experiment.torch_model(XorSettings(seed=4))
    assert torch.equal(torch.random.get_rng_state(), state), "seeding leaves everyone else's generator alone"
    assert model.hidden.bias is not None and model.output.bias is not None
    torch.manual_seed(4)
    post = torch.nn.Linear(2, 3)  # the post's self.hidden, drawn by PyTorch's own initialisation
    assert torch.equal(model.hidden.weight, post.weight) and torch.equal(model.hidden.bias, post.bias)
    again = xor_experiment.torch_model(XorSettings(seed=4))
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters()))


def test_the_like_for_like_option_has_no_biases_and_numpys_start():
    from core.xor import experiment as xor_experiment
    from core.xor.experiment import XorSettings

    settings = XorSettings(seed=4, torch_start="numpy_start")
    model = xor_experiment.torch_model(settings)
    net = xor_experiment.numpy_net(settings)
    assert model.hidden.bias is None and model.output.bias is None
    assert np.allclose(model.hidden.weight.detach().numpy().T, net.w1)
    assert np.allclose(model.output.weight.detach().numpy().T, net.w2)
    assert xor_experiment.TORCH_START.key == "xor_torch_start" and xor_experiment.TORCH_START.default == "post"


def test_the_gradient_check_caption_numbers_come_from_its_table():
    from core.xor.gradcheck import check_summary

    right = check_summary(gradient_check(new_net(3, seed=0)))
    wrong = check_summary(gradient_check(PlaygroundNet(2, 3, 1, seed=0, derivative_of="pre_activation")))
    assert right["autograd"] <= 1e-16 and right["finite"] < 1e-9
    assert wrong["relative"] > 1, "the trap's error is larger than the gradient itself"
    small = check_summary(gradient_check(PlaygroundNet(2, 3, 1, seed=1, derivative_of="pre_activation")))
    assert 0.1 < small["relative"] < 1, "not always larger: the caption reports the measured multiple"
