"""中文 for the draw area's UI text, keyed by its English original (merged into core.i18n.strings.ZH)."""

ZH: dict[str, str] = {
    "Draw a digit with the mouse or a finger. A CNN reads it after the same preprocessing MNIST used, and shows why "
    "it decided what it did.": "用鼠标或手指写一个数字。CNN 会先按 MNIST 当年的方式做预处理再识别它，并展示它为什么这样判断。",
    "Read with": "识别所用的模型",
    "your model": "你自己的模型",
    "the ready-made model": "现成的模型",
    "Reading with the ready-made model (test accuracy {accuracy:.2%}).": "正在使用现成的模型识别（测试准确率 {accuracy:.2%}）。",
    "Reading with your {source} model": "正在使用你{source}的模型识别",
    "Inside the CNN for your digit": "你的数字在 CNN 内部的样子",
    "1 · your photo": "1 · 你的照片",
    "2 · ink: darker than the paper around it": "2 · 笔迹：比周围纸面更暗的部分",
    "A photo or scan of one digit (PNG or JPEG): dark ink on paper, shadows and ruled lines are fine": "单个数字的照片或扫描件（PNG 或 JPEG）：纸上的深色笔迹即可，有阴影或横格线也没关系",
    "No digit found in this picture: it looks blank. Try a closer photo with darker ink.": "这张图片里没有找到数字，看起来是空白的。请离近一点拍，或用颜色更深的笔书写。",
    "Train a model of your own": "训练一个你自己的模型",
    "You have no trained CNN of your own in this session yet; the ready-made model reads your digits meanwhile. "
    "Train one quickly here, or on the **Train a CNN** page (where you can also load one).": "本次会话中你还没有自己训练的 CNN，在此之前由现成的模型识别你的数字。"
    "你可以在这里快速训练一个，也可以到 **训练 CNN** 页面训练（那里还能加载已保存的模型）。",
    'A photo needs one step more. Light falls unevenly on paper, so "dark" cannot mean one fixed level: a shadow '
    "would become ink. The paper's own brightness is estimated around each pixel, and ink is what is clearly darker "
    "than the paper there:": "照片还需要多一步。纸面上的光照并不均匀，所以“暗”不能用一个固定的亮度来判断，否则阴影也会被当成笔迹。"
    "我们先估计每个像素周围纸面本身的亮度，再把明显比那里的纸面更暗的部分当作笔迹：",
    "{p:.0%} sure": "把握 {p:.0%}",
    "Reading with the CNN your run of the lesson's script trained (test accuracy {accuracy:.2%}).": "正在使用你在课程中运行脚本训练出的 CNN 识别（测试准确率 {accuracy:.2%}）。",
    "the lesson's CNN you trained": "你在课程中训练的 CNN",
    "Drawing pad": "画板",
    "Undo": "撤销",
    "The drawing has {count:,} strokes; at most {most:,} are read. Clear the pad and draw again.": "这幅画有 {count:,} 笔，最多只读取 {most:,} 笔。请清除画板后重新书写。",
    "The drawing has {count:,} points; at most {most:,} are read. Clear the pad and draw again.": "这幅画有 {count:,} 个点，最多只读取 {most:,} 个点。请清除画板后重新书写。",
    "The drawing could not be read: it is not a list of strokes.": "无法读取这幅画：它不是一组笔画。",
    "The drawing could not be read: a stroke is not a list of points.": "无法读取这幅画：有一笔不是一组点。",
    "The drawing could not be read: a point is not a pair of finite numbers [x, y].": "无法读取这幅画：有一个点不是一对有限的数 [x, y]。",
}
