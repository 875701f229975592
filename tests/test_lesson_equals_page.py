"""What the pages call the lesson's code is the post's: the same class, or proven equal here (same outputs, same
update for the same weights and inputs)."""

import ast

import numpy as np
import torch
from torch import nn, optim

from core import cnn
from core.lesson.code import BLOCK
from core.xor import numpy_net as xor_numpy
from core.xor import torch_net as xor_torch
from core.xor.numpy_net import X_XOR, Y_XOR


def posts_class(block: str, name: str):
    """A class from one of the post's files, defined alone (running the whole file would train)."""
    source = BLOCK[block].source()
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    namespace = {"nn": nn, "torch": torch}
    exec(compile(ast.Module(body=[node], type_ignores=[]), BLOCK[block].file, "exec"), namespace)
    return namespace[name]


def test_the_numpy_page_runs_the_posts_own_class_and_functions():
    import lesson.xor_numpy as post

    assert xor_numpy.SimpleNeuralNetwork is post.SimpleNeuralNetwork
    assert xor_numpy.sigmoid_derivative is post.sigmoid_derivative


def test_the_pages_pytorch_xor_net_is_the_posts_simple_nn():
    SimpleNN = posts_class("xor_pytorch", "SimpleNN")
    for seed in (0, 1, 2):
        torch.manual_seed(seed)
        post_model = SimpleNN()
        page_model = xor_torch.seeded_model(3, seed=seed)  # the page's default: the post's 3 units, biases
        assert [p.shape for p in post_model.parameters()] == [p.shape for p in page_model.parameters()]
        for a, b in zip(post_model.parameters(), page_model.parameters()):
            assert torch.equal(a, b)  # the same draw of PyTorch's default initialisation
        X, y = torch.tensor(X_XOR, dtype=torch.float32), torch.tensor(Y_XOR, dtype=torch.float32)
        criterion, optimizer = nn.MSELoss(), optim.SGD(post_model.parameters(), lr=0.5)
        optimizer.zero_grad()
        criterion(post_model(X), y).backward()
        optimizer.step()
        page_criterion, page_optimizer = xor_torch.loss_and_optimizer(page_model, 0.5)
        xor_torch.training_loop(page_model, page_criterion, page_optimizer, X, y, epochs=1)
        for a, b in zip(post_model.parameters(), page_model.parameters()):
            assert torch.equal(a, b)  # the same update


def test_the_pages_cnn_is_the_posts_cnn():
    PostCNN = posts_class("mnist_cnn", "CNN")
    torch.manual_seed(0)
    post_model = PostCNN()
    torch.manual_seed(0)
    page_model = cnn.CNN()
    for (name, a), (page_name, b) in zip(post_model.state_dict().items(), page_model.state_dict().items()):
        assert name == page_name and torch.equal(a, b)  # the same layers, drawn in the same order
    images = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    labels = torch.arange(8) % 10
    outputs = {}
    for label, model in (("post", post_model), ("page", page_model)):
        model.zero_grad()
        out = model(images)
        nn.CrossEntropyLoss()(out, labels).backward()
        outputs[label] = (out.detach(), [p.grad.clone() for p in model.parameters()])
    assert torch.allclose(outputs["post"][0], outputs["page"][0], atol=1e-5)
    for a, b in zip(outputs["post"][1], outputs["page"][1]):
        assert torch.allclose(a, b, atol=1e-5)
    assert torch.allclose(cnn.lesson_forward(page_model, images), post_model(images), atol=1e-6)


def test_the_posts_numpy_update_is_the_pages_gradient_step():
    net = xor_numpy.new_net(3, seed=4)
    assert type(net) is xor_numpy.SimpleNeuralNetwork
    net.forward(X_XOR)
    grads = xor_numpy.gradients(net, X_XOR, Y_XOR)
    w1, w2 = net.w1.copy(), net.w2.copy()
    net.backward(X_XOR, Y_XOR, 0.5)  # the post's own backward, with `+=`
    assert np.allclose(net.w1, w1 - 0.5 * grads["w1"]) and np.allclose(net.w2, w2 - 0.5 * grads["w2"])
