"""The Lesson page's Part 01 (XOR from scratch in NumPy) and Part 02 (the same net with PyTorch's parts)."""

import numpy as np
import streamlit as st

from core.lesson import reveals
from core.lesson.figures import sigmoid_curve
from ui.common import plot, t
from ui.lesson_common import code_block, explore, guess, heading, measured, run_button

TORCH_API = (
    ("torch.tensor()", "creates a tensor"),
    ("nn.Linear()", "defines a fully connected layer"),
    ("nn.Sigmoid()", "the activation function"),
    ("forward()", "defines the forward pass"),
    ("nn.MSELoss()", "computes the loss"),
    ("optim.SGD()", "gradient update (stochastic gradient descent)"),
    ("zero_grad()", "clears the gradients"),
    ("backward()", "backpropagation: computes the gradients"),
    ("step()", "updates the weights"),
)


def _numbers(values) -> str:
    return ", ".join(f"{v:.3f}" if np.isfinite(v) else "NaN" for v in np.asarray(values).reshape(-1))


def part_01() -> None:
    st.header(t("Part 01 · 异或拼接的判断机: an XOR judge from scratch"))
    st.markdown(
        t(
            "XOR answers 1 when exactly one of its two inputs is 1. The post builds a small network that learns it "
            "from the four examples: 2 inputs → 3 hidden neurons → 1 output, every neuron a sigmoid, no biases, "
            "random starting weights from `np.random.rand`, and gradient descent written out by hand in NumPy. "
            "The post's own notes, question and answer are marked “the post's”; the 🤔 questions, the "
            "measurements and the explanations of the maths are this page's additions."
        )
    )
    heading(t("主函数框架 · The main loop"))
    code_block("main_loop")
    st.markdown(
        t(
            "Set up the data and random weights once; then every epoch runs the four points forward and sends the "
            "error backward to nudge the weights. Here one epoch is one update: all four points go through "
            "together (a full batch), so the post's 10,000 epochs are 10,000 steps of gradient descent."
        )
    )
    _forward()
    _backward()
    _derivative_question()
    _sigmoid()
    _whole_numpy_program()


def _forward() -> None:
    heading(t("Forward"))
    st.markdown(t("The post's note: **keep every L and every Z** (保存所有的 L / Z)."))
    code_block("forward")
    st.markdown(
        t(
            "In the sketch, z_i = dot(L_i, w_i) is a layer's weighted input and L_{i+1} = sigmoid(z_i) its output, "
            "with L_0 = X. In the program the Z's are `A1` and `A2` (the weighted inputs) and the L's are `X`, `H` "
            "and `Y_hat`; `forward` keeps them on `self` because `backward` is written with forward-pass values. "
            "(This `backward` in fact needs only the L's: the Sigmoid section shows why.)"
        )
    )
    st.latex(  # two rows: on one, the four steps were 443 px wide, wider than a 390-px phone
        r"\begin{gathered}A_1 = X\,w_1,\quad H = \sigma(A_1),\\ "
        r"A_2 = H\,w_2,\quad \hat y = \sigma(A_2)\end{gathered}"
    )


def _backward() -> None:
    heading(t("Backward"))
    st.markdown(
        t(
            "The post's note: **compute every delta and every delta_error** (计算所有的 delta / delta_error): in "
            "the code, `output_error` and `hidden_error`, then `output_delta` and `hidden_delta`."
        )
    )
    code_block("backward")
    st.markdown(
        t(
            "The cost of one point is C = ½(y − ŷ)², summed over the four points. Its slope with respect to ŷ is "
            "−(y − ŷ), so the post's `output_error = y − ŷ` is that slope with the sign flipped: "
            "**output_error = −∂C/∂ŷ** (the post's comment `dC/dy = y - yhat` names this quantity). Every quantity "
            "below inherits the flipped sign, and that is why the updates use `+=`: adding "
            "learning_rate × (−gradient) is gradient descent."
        )
    )
    st.markdown(
        t(
            "- `output_delta` = output_error × σ'(A2): how C changes with the output's weighted input A2 (sign "
            "flipped).\n"
            "- `hidden_error` = output_delta · w2ᵀ: that change carried back through the weights to each hidden "
            "neuron.\n"
            "- `hidden_delta` = hidden_error × σ'(A1): the same for each hidden neuron's weighted input.\n"
            "- Each weight moves by learning_rate × (what came into it) × (the delta of the neuron it feeds): "
            "`H.T.dot(output_delta)` for w2, `X.T.dot(hidden_delta)` for w1.\n"
            "- The comments (`# dA2/dH`, `#dA2/dH * dH/dA1`) name the chain-rule factor each line multiplies in, "
            "not the whole product: `hidden_error` is really (−∂C/∂A2)·∂A2/∂H = −∂C/∂H."
        )
    )
    st.latex(  # one gradient a row: side by side they were 486 px wide, wider than a 390-px phone
        r"\begin{gathered}\frac{\partial C}{\partial w_2} = -H^{\top}\,\text{output\_delta},\\[4pt] "
        r"\frac{\partial C}{\partial w_1} = -X^{\top}\,\text{hidden\_delta}\end{gathered}"
    )


def _derivative_question() -> None:
    st.markdown(
        t(
            "**Q (the post's):** is something wrong here? Shouldn't `sigmoid_derivative(self.Y_hat)` be "
            "`sigmoid_derivative(self.A2)`?"
        )
    )
    guess(
        "derivative",
        "Which call gives the slope the backward pass needs?",
        {
            "y_hat": "sigmoid_derivative(self.Y_hat), as written",
            "a2": "sigmoid_derivative(self.A2)",
            "both": "Both give the same",
        },
        _right_derivative_call,
        _reveal_derivative,
    )
    st.markdown(t("**A (the post's):** good question! It has to do with how `sigmoid_derivative` is written:"))


def _right_derivative_call() -> str | None:
    answer = measured(reveals.derivative_answer, reveals.DERIVATIVE_SECONDS, 0)
    if answer is None:
        return None
    if np.allclose(answer.given_y_hat, answer.true_slope, atol=1e-6):
        return "y_hat"
    return "a2" if np.allclose(answer.given_a2, answer.true_slope, atol=1e-6) else None


def _reveal_derivative() -> None:
    answer = measured(reveals.derivative_answer, reveals.DERIVATIVE_SECONDS, 0)
    if answer is None:
        return
    st.markdown(t("Measured on the post's net (3 hidden neurons, seed 0) before training, at the four XOR points:"))
    st.table(
        {
            t("quantity"): [
                "A2",
                "ŷ = σ(A2)",
                t("true slope σ'(A2)"),
                "sigmoid_derivative(Y_hat)",
                "sigmoid_derivative(A2)",
            ],
            t("values at the four points"): [
                _numbers(v) for v in (answer.a2, answer.y_hat, answer.true_slope, answer.given_y_hat, answer.given_a2)
            ],
        }
    )
    st.markdown(
        t(
            "`sigmoid_derivative(Y_hat)` equals the true slope at every point. `sigmoid_derivative(A2)` is not a "
            "slope at all: here every A2 is above 1, so it comes out negative and flips the direction of each "
            "update. With the post's call the net ends its 10,000 epochs at ŷ = {right}. With A2 (and, the same "
            "mistake, A1 in the hidden layer) the training stopped at epoch {epoch}, where the weights had blown "
            "up and every output had become NaN (not a number): {wrong}.",
            right=_numbers(answer.trained_right),
            wrong=_numbers(answer.trained_wrong),
            epoch=answer.wrong_ended_at,
        )
    )


def _sigmoid() -> None:
    heading(t("Sigmoid"))
    code_block("sigmoid")
    st.markdown(
        t(
            "As the post notes, the input of `sigmoid_derivative` is not the x we think of but the function's "
            "value y: the derivative is written with y itself. For y = σ(x) the slope is σ'(x) = σ(x)(1 − σ(x)) "
            "= y·(1 − y). So it must be handed the sigmoid's **output**: `self.Y_hat` for the output neuron and "
            "`self.H` for the hidden ones."
        )
    )
    st.markdown(t("The post labels its chart Sigmoid 激活函数 (the sigmoid activation function):"))
    plot(sigmoid_curve(tr=t), key="lesson_sigmoid")


def _whole_numpy_program() -> None:
    heading(t("把一切综合起来 · Putting it all together"))
    code_block("xor_numpy")
    st.markdown(
        t(
            "Two things to read carefully. Here `sigmoid_derivative`'s parameter is named x, but it is the same "
            "function as in the Sigmoid block: it must still be given the sigmoid's output. And in the comments "
            "`# A1 = sig(A0 * w1)`, `# A2 = sig(A1 * w2)`, A is a layer's output (A0 = X), while in the code "
            "`self.A1` and `self.A2` are the weighted inputs before the sigmoid, and the outputs are `H` and "
            "`Y_hat`."
        )
    )
    run_button("xor_numpy")
    guess(
        "seeds",
        "With only 2 hidden neurons instead of the post's 3, how many of 100 random starts solve XOR (all four "
        "outputs on the right side of 0.5 after 10,000 epochs)?",
        {"few": "Fewer than 50", "half": "50 to 90", "most": "More than 90"},
        _seeds_bucket,
        _reveal_seeds,
    )
    explore("views/xor.py", "Explore further: the XOR playground with these settings", xor_impl="numpy", xor_hidden="3")


def _seeds_bucket() -> str | None:
    """The right answer to the seeds question, from the measurement itself."""
    share = measured(reveals.share_solved, reveals.SEEDS_SECONDS, 2)
    if share is None:
        return None
    return "few" if share < 0.5 else "half" if share <= 0.9 else "most"


def _reveal_seeds() -> None:
    shares = [measured(reveals.share_solved, reveals.SEEDS_SECONDS, hidden) for hidden in (2, 3)]
    if None in shares:
        return
    st.markdown(
        t(
            "Measured with the post's program (np.random.rand weights, seeds 0–99, lr 0.5, 10,000 epochs): "
            "**{two:.0%}** of the starts solve XOR with 2 hidden neurons, **{three:.0%}** with the post's 3. Two "
            "hidden neurons are enough in principle, but a few starts still fail; a third one makes training more "
            "forgiving.",
            two=shares[0],
            three=shares[1],
        )
    )


def part_02() -> None:
    st.header(t("Part 02 · 封装结构的掉包侠: the same net with PyTorch's parts"))
    st.markdown(
        t(
            "Writing the backward pass by hand is tedious, as the post admits, especially the derivatives. PyTorch "
            "provides the parts. The nine APIs the post uses:"
        )
    )
    st.table({"PyTorch API": [api for api, _ in TORCH_API], t("what it does"): [t(does) for _, does in TORCH_API]})
    code_block("xor_pytorch")
    run_button("xor_pytorch")
    heading(t("What changed"))
    st.markdown(t("The post: isn't that simple! (Though reinventing the wheel is fun too.)"))
    st.markdown(
        t(
            "- **No backward to write:** `loss.backward()` (autograd) computes every gradient the hand-written "
            "backward did, and `optimizer.step()` applies them.\n"
            "- **Biases and PyTorch's starting weights:** each `nn.Linear` adds a bias to every neuron and starts "
            "from its own random weights (uniform in ±1/√inputs), where the NumPy net had no biases and "
            "`np.random.rand` weights.\n"
            "- **The loss is a mean:** `nn.MSELoss()` is the mean of (y − ŷ)² over the four points, not the "
            "post's C = ½Σ(y − ŷ)².\n"
            "- **Still full batch:** `optim.SGD` is named for stochastic gradient descent, but every step here uses "
            "all four points: plain full-batch gradient descent, as in Part 01."
        )
    )
    guess(
        "mse",
        "For the same weights and the same four points, how does MSELoss's gradient compare with the hand-written "
        "gradient of C = ½Σ(y − ŷ)²?",
        {"same": "The same", "half": "Half as large", "quarter": "A quarter", "double": "Twice as large"},
        _mse_answer,
        _reveal_mse,
    )
    heading(t("三板斧 · The three moves"))
    st.markdown(
        t(
            "As the post sums it up: define the model and its forward pass, create the loss function and the "
            "optimizer, then write the training loop from the template. These three moves write almost every "
            "feed-forward network:\n\n"
            "1. **定义模型和前向传播函数** · define the model and its forward pass (`class SimpleNN` with its "
            "`forward`)\n"
            "2. **损失函数和优化器** · the loss function and the optimizer (`nn.MSELoss()`, `optim.SGD(...)`)\n"
            "3. **训练** · train (`zero_grad` → forward → loss → `backward` → `step`)"
        )
    )
    explore("views/xor.py", "Explore further: the XOR playground with PyTorch", xor_impl="torch", xor_hidden="3")


def _mse_answer() -> str | None:
    ratios = measured(reveals.mse_ratio, 0.1, 0)
    if ratios is None:
        return None
    middle = sum(ratios) / 2
    return {1.0: "same", 0.5: "half", 0.25: "quarter", 2.0: "double"}.get(round(middle, 6))


def _reveal_mse() -> None:
    ratios = measured(reveals.mse_ratio, 0.1, 0)
    if ratios is None:
        return
    st.markdown(
        t(
            "Measured for every weight of the post's 2 → 3 → 1 net (seed 0, float64): torch gradient ÷ hand "
            "gradient lies between **{low:.6f}** and **{high:.6f}**. MSELoss = ¼Σ(y − ŷ)² has the gradient "
            "2/4 = ½ of C's: the same direction at half the length, so at the same lr 0.5 PyTorch's run takes "
            "half-size steps.",
            low=ratios[0],
            high=ratios[1],
        )
    )
