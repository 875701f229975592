"""中文 for the jobs area's UI text, keyed by its English original (merged into core.i18n.strings.ZH)."""

ZH: dict[str, str] = {
    "The server is busy: {waiting} training runs are already waiting. Please try again in a few minutes.": "服务器正忙：已有 {waiting} 个训练任务在排队。请过几分钟再试。",
    "You already have a training run waiting or running. Stop it first, or wait until it ends.": "你已有一个训练任务在排队或运行中。请先停止它，或等它结束。",
    "On this public server one run may train on at most {limit} images in all (epochs × training images); these "
    "settings ask for {asked}. Lower the epochs or the training images.": "在这台公共服务器上，一次训练最多处理 {limit} 张图像（轮数 × 训练图像数）；"
    "当前设置需要 {asked} 张。请减少轮数或训练图像数。",
    "Stopped: its page was closed.": "已停止：它的页面已关闭。",
    "Stopped after {minutes} minutes: on this public server that is the longest a run may train.": "已在 {minutes} 分钟后停止：这是这台公共服务器上一次训练的最长时间。",
    "That is more work than one click may ask for on this public server (about {cost} s of computing; at most "
    "{limit} s). Choose fewer epochs or seeds.": "这次点击要求的计算量超出了这台公共服务器的上限（约 {cost} 秒计算，上限 {limit} 秒）。"
    "请减少轮数或种子数。",
    "Your previous request is still being computed. Please wait for it to finish.": "你上一次的请求仍在计算中。请等它完成。",
    "The server is busy with other visitors' work. Please try again in {seconds} s.": "服务器正忙于其他访客的计算。请在 {seconds} 秒后再试。",
    "Training failed: {reason}": "训练失败：{reason}",
    "Another visitor's run, shared through its link: you can watch it, not stop it or keep its model.": "这是另一位访客通过链接分享的训练：你可以观看，但不能停止它或保留它的模型。",
    "Server: {running} runs training, {waiting} waiting for a trainer.": "服务器：{running} 个训练正在运行，{waiting} 个在等待训练位。",
}
