"""中文 for the data area's UI text, keyed by its English original (merged into core.i18n.strings.ZH)."""

# core.cnn.data's messages are one reason followed by what to do; tests/test_data.py checks every pair is here.
_WHAT_TO_DO = (
    " Put the four MNIST files {files} (from the MNIST database by LeCun, Cortes and Burges, "
    "yann.lecun.com/exdb/mnist; unpacked, or as .gz beside them) in {folder}, or press Download where the "
    "app can reach the internet. Meanwhile the bundled 8,000-image sample is used; Train never downloads."
)
_WHAT_TO_DO_ZH = (
    "请把四个 MNIST 文件 {files}（来自 LeCun、Cortes 和 Burges 的 MNIST 数据库，"
    "yann.lecun.com/exdb/mnist；"
    "解压后的文件，或放在同一位置的 .gz 文件）放进 {folder}，或者在本应用能连上互联网时点击“下载”。"
    "在此之前使用内置的 8,000 张图像样本；点击“训练”永远不会触发下载。"
)
_REASONS = {
    "MNIST is not in this directory and could not be downloaded (offline or blocked?).": "这个目录里没有 MNIST，也无法下载（处于离线状态或被拦截？）。",
    "MNIST is not in this directory yet (missing: {missing}).": "这个目录里还没有 MNIST（缺少：{missing}）。",
    "The data directory cannot be used ({detail}).": "无法使用这个数据目录（{detail}）。",
    "The MNIST files here could not be read ({detail}).": "无法读取这里的 MNIST 文件（{detail}）。",
    "The MNIST files here do not hold 28×28 digits with one label 0–9 each ({detail}).": "这里的 MNIST 文件并不是每张 28×28、各带一个 0–9 标签的数字图像（{detail}）。",
}

ZH: dict[str, str] = {
    "MNIST found in {folder}: {train:,} training and {test:,} test images.": "已在 {folder} 找到 MNIST：{train:,} 张训练图像，{test:,} 张测试图像。",
    "Fixed on this server. To choose another folder, run the app yourself with {env}=1.": "此服务器上不可更改。若要选择其他文件夹，请自己运行本应用并设置 {env}=1。",
    **{english + _WHAT_TO_DO: chinese + _WHAT_TO_DO_ZH for english, chinese in _REASONS.items()},
    "The ready-made model's record {path} cannot be read ({detail}).": "无法读取现成模型的记录文件 {path}（{detail}）。",
    "The ready-made model's record {path} has no sha256.": "现成模型的记录文件 {path} 中没有 sha256 校验值。",
    "The ready-made model {path} cannot be read ({detail}).": "无法读取现成模型 {path}（{detail}）。",
    "The ready-made model {path} has been altered: its sha256 does not match the one recorded beside it, so it is not "
    "used. Run scripts/make_ready_model.py to make it again.": "现成模型 {path} 已被改动：它的 sha256 与旁边记录的不一致，因此不会被使用。"
    "请运行 scripts/make_ready_model.py 重新生成。",
    "Training on the bundled {count:,}-image MNIST sample · Full MNIST (60,000 images, about 55 MB):": "正在用内置的 {count:,} 张 MNIST 样本训练 · 完整 MNIST（60,000 张图像，约 55 MB）：",
    "Training on MNIST from the data directory: {count:,} training images.": "正在用数据目录中的 MNIST 训练：{count:,} 张训练图像。",
    "Download": "下载",
    "Data details": "数据详情",
}
