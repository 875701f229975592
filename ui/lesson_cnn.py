"""The Lesson page's Part 03 (the post's MNIST CNN) with its script run live, and what to do next."""

from dataclasses import replace

import streamlit as st

from core.cnn.records import LessonModel
from core.lesson import reveals
from core.lesson.cnn_script import BATCH_SIZE, EPOCHS, Kind, run_script, script_data
from core.lesson.figures import script_curves
from core.serving.jobs import Job
from ui.background import data_dir, live_job, queue_run
from ui.common import error_text, plain, plot, t
from ui.lesson_common import code_block, explore, guess, heading
from ui.server import server
from ui.state import Cnn

MODEL_KEY = Cnn.LESSON_MODEL.key  # a LessonModel: the Draw page reads it
CONSOLE_LINES = 40  # the console shows the script's last lines; full MNIST prints 111
# The post's DataLoader loop trains about half as fast as the page's own trainer (bench/benchmark.py: 2.1–2.4×), so
# its run is charged twice the page's estimate in the job queue's line.
LESSON_LOOP_SLOWDOWN = 2.0


def part_03() -> None:
    st.header(t("Part 02, continued · 用轮子写一个 CNN: a CNN that reads handwritten digits"))
    st.markdown(
        t(
            "With the three moves, the post goes on to write a convolutional network (CNN) for MNIST: 28×28 grey "
            "images of handwritten digits, ten classes."
        )
    )
    _define_model()
    _loss_and_optimizer()
    heading(t("训练 · Training"))
    code_block("training")
    st.markdown(
        t(
            "The same loop as the XOR net's, now over batches of 64 images from the `DataLoader`: clear the gradients, "
            "run the batch forward, compute the loss, backpropagate, step. `running_loss` adds up the batches' "
            "losses so an epoch's mean can be printed."
        )
    )
    _whole_script()


def _define_model() -> None:
    heading(t("定义模型 · Define the model"))
    st.markdown(
        t(
            "The post's note: a convolution (conv) extracts local features, which shrinks the picture, so a border "
            "is usually padded on (padding); a max-pool after it shrinks the parameter count while keeping the "
            "features."
        )
    )
    code_block("cnn_model")
    st.markdown(
        t(
            "A convolution slides a small 3×3 filter over the image to pick up local features such as strokes and "
            "corners. A 3×3 filter fits only 26 positions across 28 pixels, so the image would shrink; "
            "`padding=1` adds a border of zeros and keeps it 28×28. Max-pooling (`MaxPool2d(2, 2)`) keeps the "
            "largest value of each 2×2 block: half the width and height, the strongest features kept. That is how "
            "it shrinks the parameter count: pooling learns nothing itself, but after two pools fc1 gets "
            "64×7×7 = 3,136 inputs instead of 64×28×28 = 50,176, so it needs {fc1:,} numbers instead of {big:,}. "
            "One image through the post's model, shapes measured (without the batch dimension):",
            fc1=next(step.parameters for step in reveals.cnn_shapes() if step.code == "self.fc1(x)"),
            big=reveals.fc1_size_without_pooling(),
        )
    )
    shapes = reveals.cnn_shapes()
    st.table(
        {
            t("in forward()"): [step.code for step in shapes],
            t("shape after it"): [" × ".join(map(str, step.shape)) for step in shapes],
            t("learned numbers"): [f"{step.parameters:,}" if step.parameters else "" for step in shapes],
        }
    )
    st.caption(t("{total:,} learned numbers in all; fc1 holds most of them.", total=sum(s.parameters for s in shapes)))


def _loss_and_optimizer() -> None:
    heading(t("创建损失函数和优化器 · The loss and the optimizer"))
    st.markdown(
        t(
            "Recognising a digit is classification, so the post uses **cross-entropy**. `nn.CrossEntropyLoss` "
            "applies the softmax itself (it turns the ten scores into probabilities and takes −log of the right "
            "digit's), so the model's `forward` ends at `fc2` and outputs raw scores (logits), with no softmax "
            "layer. **Adam** (the post: 自适应梯度, adaptive) adjusts a different learning rate for each parameter: "
            "it keeps exponentially decaying averages of each gradient and of its square, and moves each weight "
            "by about lr × average ÷ √(average of squares)."
        )
    )
    code_block("loss_optimizer")


def _whole_script() -> None:
    heading(t("加一点点细节 · Adding a few details: the whole script"))
    code_block("mnist_cnn")
    st.markdown(
        t(
            "The details: `ToTensor()` turns each image into numbers in [0, 1] (the comment's .data means the "
            "./data folder), and the model moves to the GPU when there is one. `StepLR` halves the learning rate "
            "every 5 epochs: epochs 1–5 train at 0.001, 6–10 at 0.0005; `scheduler.step()` runs before the "
            "epoch's line is printed, so the line after epoch 5 already shows 0.000500, and the 0.000250 after "
            "epoch 10 is never used. Every 100 batches the script prints that single batch's loss (not an "
            "average, so it jumps about), and after each epoch the epoch's mean loss. Its messages are the "
            "post's, in Chinese: “🔹 Epoch N 完成,当前学习率: …, 平均损失: …” is “epoch N done, current learning "
            "rate …, mean loss …”, and “✅ CNN 训练完成!🎉” is “CNN training finished!”."
        )
    )
    _run_script_section()
    guess(
        "accuracy",
        "After the first of the 10 epochs, what share of the test digits does the CNN read right?",
        {"below70": "Below 70%", "70to90": "70% to 90%", "90to97": "90% to 97%", "97up": "97% or more"},
        _first_epoch_bucket,
        _reveal_first_epoch,
    )
    st.markdown(
        t(
            "In short, as the post ends: define the model, then the loss function and the optimizer, and finally "
            "write the training (定义模型后 / 损失函数优化器 / 最后写训练)."
        )
    )
    explore("views/cnn.py", "Explore further: train the CNN with your own settings")


def _data_note() -> str:
    data = script_data(data_dir())
    if data.bundled:
        return t(
            "**Run** trains on this server's MNIST sample: {train:,} training and {test:,} test images (the full "
            "MNIST is not on this server; its `./data` is replaced by that folder, the one change to the script).",
            train=data.train_count,
            test=data.test_count,
        )
    return t(
        "**Run** trains on the full MNIST on this server ({train:,} training images); the script's `./data` is "
        "replaced by that folder, the one change to it.",
        train=data.train_count,
    )


def _run_script_section() -> None:
    st.markdown(_data_note())
    st.caption(
        t(
            "The page adds, around the script and never inside it: the loss curve (a point every 10 batches), "
            "the test accuracy after each epoch (the script never looks at the test images), and Stop."
        )
    )
    job = server().queue.get(Cnn.LESSON_JOB.get())
    running = job is not None and job.active
    if st.button(t("▶ Run the script"), key="lesson_run_cnn", type="primary", disabled=running) and not running:
        job = start_script_job()
    if job is not None:
        console(job)


def start_script_job() -> Job | None:
    """Queue the script for this session (one run at a time per session, bounded like every training run)."""
    data = script_data(data_dir())
    settings = {"epochs": EPOCHS, "train_subset": data.train_count, "batch_size": BATCH_SIZE}
    payload = {"model": None, "settings": settings}

    def run(should_stop):
        for record in run_script(data.root, should_stop):
            if record.model is not None:  # the job keeps the model in its payload; records stay small
                payload["model"] = record.model
                record = replace(record, model=None)
            yield record

    job = queue_run(settings, run, payload, slowdown=LESSON_LOOP_SLOWDOWN)
    if job is None:
        return None
    Cnn.LESSON_JOB.set(job.id)
    Cnn.LESSON_MODEL.pop()
    return job


def console(job: Job) -> None:
    """The script's printed lines as a live console beside its loss curve; when it ends, the page reruns once (so the
    first-epoch reveal and the Draw link see the finished run)."""
    live_job(job, _console_body, t("⏹ Stop"), "lesson_stop", _keep_model)


def _console_body(job: Job) -> None:
    records = list(job.records)
    lines = [r.text for r in records if r.kind == Kind.LINE]
    left, right = st.columns([1, 1])
    with left:
        st.caption(_status(job))
        st.code("\n".join(lines[-CONSOLE_LINES:]) or " ", language="text", wrap_lines=True)
    with right:
        if any(r.kind == Kind.LOSS for r in records):
            plot(script_curves(records, tr=t), key="lesson_cnn_curves")


def _status(job: Job) -> str:
    if job.status == "queued":
        return t("Waiting for a free trainer: number {place} in line.", place=server().queue.position(job))
    if job.status == "running":
        return t("Running the script… (console: its last {count} lines)", count=CONSOLE_LINES)
    if job.status == "failed":
        return t("The run failed: {reason}", reason=plain(job.error or ""))
    if job.status == "stopped":
        reason = job.stop_reason
        return t("Stopped.") + (" " + error_text(reason) if reason is not None else "")
    return t("Done.")


def _keep_model(job: Job) -> bool:
    """Keep a finished run's model for the Draw page; True when it is new to this session."""
    model = job.payload.get("model") if isinstance(job.payload, dict) else None
    last = job.last
    if model is None or last is None or last.test_accuracy is None:
        return False
    kept = Cnn.LESSON_MODEL.get()
    if kept is not None and kept.job == job.id:
        return False
    Cnn.LESSON_MODEL.set(LessonModel(model, last.test_accuracy, job.id))
    return True


def _first_epoch_accuracy() -> float | None:
    job = server().queue.get(Cnn.LESSON_JOB.get())
    if job is None:
        return None
    return next((r.test_accuracy for r in list(job.records) if r.kind == Kind.EPOCH), None)


def _first_epoch_bucket() -> str | None:
    accuracy = _first_epoch_accuracy()
    if accuracy is None:
        st.info(t("Now press **▶ Run the script** above: the answer appears after its first epoch."))
        return None
    return "below70" if accuracy < 0.7 else "70to90" if accuracy < 0.9 else "90to97" if accuracy < 0.97 else "97up"


def _reveal_first_epoch() -> None:
    st.markdown(
        t(
            "Measured in your run: **{accuracy:.2%}** of the test digits read right after one epoch. One pass "
            "over the data already teaches a CNN most of MNIST; the next nine epochs polish the last few percent.",
            accuracy=_first_epoch_accuracy(),
        )
    )


def then_draw() -> None:
    st.header(t("Then: draw a digit"))
    kept = Cnn.LESSON_MODEL.get()
    if kept is None:
        st.markdown(
            t(
                "Run the script in the CNN tab, then draw a digit and see what the model you just trained reads. Until "
                "then the Draw page reads with a ready-made model of the same design."
            )
        )
    else:
        st.markdown(
            t(
                "Your run of the script is done: its CNN reads {accuracy:.2%} of the test digits right. Draw a "
                "digit and see what it reads.",
                accuracy=kept.test_accuracy,
            )
        )
    st.page_link("views/draw.py", label=t("Draw a digit"), icon="✏️")
