"""The MNIST sample bundled in the repository: torchvision loads it, training on it works, and the app falls back to
it (saying so, cheaply, with the folder and the files named) when the data directory has no MNIST."""

import time

import pytest
import torch

from core import cnn
from core.cnn import data as mnist_data
from core.cnn.data import RAW_FILES, MnistUnavailable, bundled_root, choose_data, load_split
from tests.conftest import open_page


def test_the_bundled_sample_loads_with_torchvision():
    from torchvision.datasets import MNIST

    train = MNIST(bundled_root(), train=True, download=False)
    test = MNIST(bundled_root(), train=False, download=False)
    assert (len(train), len(test)) == (8000, 2000)
    image, label = test[0]
    assert image.size == (28, 28) and 0 <= label <= 9
    assert torch.equal(train.targets, load_split(bundled_root(), train=True, download=False)[1])
    assert set(torch.bincount(test.targets).tolist()) and torch.bincount(test.targets).min() > 150


def test_the_sample_is_small_in_the_repository():
    packed = sorted((mnist_data.SAMPLE_FOLDER / "MNIST" / "raw").glob("*.gz"))
    assert [p.name for p in packed] == sorted(f"{name}.gz" for name in RAW_FILES)
    assert sum(p.stat().st_size for p in packed) < 3_000_000


def test_gzipped_files_are_read_directly():
    images, labels = load_split(mnist_data.SAMPLE_FOLDER, train=False, download=False)
    assert torch.equal(images, load_split(bundled_root(), train=False, download=False)[0])


def test_one_epoch_on_the_sample_reaches_94_percent(mnist_root):
    model = cnn.build_model(seed=0)
    records = list(cnn.train(model, bundled_root(), epochs=1, lr=1e-3, batch_size=64, device="cpu", seed=0))
    assert records[-1].test_accuracy >= 0.94, records[-1].test_accuracy


def test_missing_mnist_falls_back_to_the_sample_and_says_what_to_do(tmp_path):
    choice = choose_data(tmp_path / "empty", download=True)  # the download is disabled in tests: it fails
    assert choice.bundled and (choice.train_count, choice.test_count) == (8000, 2000)
    assert choice.root == bundled_root()
    assert str(tmp_path / "empty" / "MNIST" / "raw") in choice.note
    assert all(name in choice.note for name in RAW_FILES)
    assert "yann.lecun.com" in choice.note and "bundled 8,000-image sample" in choice.note
    assert "could not be downloaded" in choice.note
    assert isinstance(choice.problem, MnistUnavailable) and isinstance(choice.problem, ValueError)


def test_a_failed_download_is_not_retried_at_once(tmp_path, monkeypatch):
    tries = []

    def offline(root):
        tries.append(root)
        time.sleep(0.2)
        raise OSError("offline")

    monkeypatch.setattr(mnist_data, "_download", offline)
    for _ in range(20):
        assert choose_data(tmp_path / "a").bundled
    assert len(tries) == 1, "a failed folder is not tried again (each try sleeps: a retry would cost seconds)"
    choose_data(tmp_path / "b")
    assert len(tries) == 2, "another folder is tried on its own"
    mnist_data.forget_failed_download(tmp_path / "a")
    choose_data(tmp_path / "a")
    assert len(tries) == 3, "asking again (the page's button) tries again"
    monkeypatch.setattr(mnist_data, "DOWNLOAD_RETRY_S", 0.0)
    choose_data(tmp_path / "a")
    assert len(tries) == 4, "after a while it is tried again"


def test_a_folder_with_mnist_is_used_as_it_is(mnist_root):
    choice = choose_data(mnist_root, download=False)
    assert not choice.bundled and choice.note is None and choice.train_count == 8000


def test_the_message_names_the_folder_and_files_when_nothing_can_be_downloaded(tmp_path):
    with pytest.raises(MnistUnavailable) as info:
        load_split(tmp_path / "nowhere", train=True, download=False)
    assert info.value.template in mnist_data.MISSING_TEMPLATES
    assert str(tmp_path / "nowhere" / "MNIST" / "raw") in str(info.value)


def test_every_message_about_missing_mnist_is_translated():
    from core.i18n.strings import ZH

    for template in mnist_data.MISSING_TEMPLATES:
        assert ZH.get(template), template[:60]


def cnn_page():
    return open_page("views/cnn.py")


def page_messages(at) -> str:
    """The page's messages as the reader sees them (values from a visitor arrive escaped for markdown)."""
    return " ".join(e.value for kind in (at.warning, at.error, at.info, at.caption) for e in kind).replace("\\", "")


def test_the_data_directory_is_read_only_by_default(monkeypatch):
    monkeypatch.delenv("NN_PLAYGROUND_LOCAL", raising=False)
    at = cnn_page()
    field = at.text_input(key="data_dir")
    assert field.disabled and field.value and not at.exception


def test_a_local_user_can_change_it_and_the_old_message_goes(local_mode, tmp_path, mnist_root):
    at = cnn_page()
    assert not at.text_input(key="data_dir").disabled
    at.text_input(key="data_dir").set_value(str(tmp_path / "first")).run()
    first = page_messages(at)
    assert str(tmp_path / "first") in first and "bundled 8,000-image sample" in first
    at.text_input(key="data_dir").set_value(str(tmp_path / "second")).run()
    second = page_messages(at)
    assert str(tmp_path / "second") in second and str(tmp_path / "first") not in second
    at.text_input(key="data_dir").set_value(str(mnist_root)).run()
    assert "MNIST found" in page_messages(at) and "bundled 8,000-image sample" not in page_messages(at)
    assert not at.exception
