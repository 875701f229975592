"""中文 for the cnn_inside area's UI text, keyed by its English original (merged into core.strings.ZH)."""

ZH: dict[str, str] = {
    # inside the CNN
    "The network, left to right": "网络结构，从左到右",
    "conv 1": "卷积 1",
    "conv 2": "卷积 2",
    "conv 1 + ReLU": "卷积 1 + ReLU",
    "conv 2 + ReLU": "卷积 2 + ReLU",
    "max-pool": "最大池化",
    "flatten": "展平",
    "fc 1 + ReLU": "全连接 1 + ReLU",
    "fc 2: logits": "全连接 2：logits",
    "conv keeps the size (padding 1), each max-pool halves it, flatten lines up {flat} numbers for the "
    "fully connected layers; the pictures show map 1 of each conv stage.":
        "卷积保持尺寸不变（padding 1），每次最大池化把尺寸减半，展平后得到 {flat} 个数送入全连接层；"
        "卷积阶段的图片显示的是第 1 张特征图。",
    "The CNN reads **{digit}** ({p:.1%} sure).": "CNN 认为是 **{digit}**（把握 {p:.1%}）。",
    "True digit **{label}** · the CNN reads **{digit}** ({p:.1%}) ✅":
        "真实数字 **{label}** · CNN 认为是 **{digit}**（{p:.1%}）✅",
    "True digit **{label}** · the CNN reads **{digit}** ({p:.1%}) ❌; it gives {label} {q:.1%}.":
        "真实数字 **{label}** · CNN 认为是 **{digit}**（{p:.1%}）❌；它给 {label} 的概率只有 {q:.1%}。",
    "Click a feature map, then a pixel of it": "先点击一张特征图，再点击其中的一个像素",
    "Layer": "层",
    "{count} maps of {size}×{size} after ReLU (each scaled to its own maximum)":
        "ReLU 之后的 {count} 张 {size}×{size} 特征图（各自按自身最大值缩放）",
    "map {map}: click a pixel": "特征图 {map}：点击一个像素",
    "map %{customdata}: click to open it": "特征图 %{customdata}：点击打开",
    "row %{customdata[0]}, column %{customdata[1]}: %{customdata[2]:.3f}":
        "第 %{customdata[0]} 行，第 %{customdata[1]} 列：%{customdata[2]:.3f}",
    "Convolution at row {row}, column {col} of map {map}": "特征图 {map} 第 {row} 行、第 {col} 列的卷积",
    "3×3 input patch (pixels normalised: (p − 0.1307) / 0.3081; 0 outside the image)":
        "3×3 输入块（像素已标准化：(p − 0.1307) / 0.3081；图像外为 0）",
    "× kernel": "× 卷积核",
    "= products": "= 乘积",
    "Sum of the 9 products = {sum:.4f}; plus the bias {bias:.4f} gives **{total:.4f}**.":
        "9 个乘积之和 = {sum:.4f}；加上偏置 {bias:.4f} 得到 **{total:.4f}**。",
    "conv 2 reads all {channels} maps of the layer before: one 3×3 kernel per input map, and every product is "
    "added up.": "卷积 2 读取上一层的全部 {channels} 张特征图：每张输入图各有一个 3×3 卷积核，所有乘积相加。",
    "The {channels} input patches (top) and kernels (bottom)": "{channels} 个输入块（上）与卷积核（下）",
    "What each input map adds": "每张输入图的贡献",
    "input map": "输入特征图",
    "input map %{x}: %{y:.4f}": "输入特征图 %{x}：%{y:.4f}",
    "Input map to show in full": "完整展示哪张输入图",
    "map {map}: adds {value:.4f}": "特征图 {map}：贡献 {value:.4f}",
    "3×3 patch of input map {map}": "输入特征图 {map} 的 3×3 块",
    "Sum over all {count} products ({channels} maps × 9) = {sum:.4f}; plus the bias {bias:.4f} gives "
    "**{total:.4f}**.":
        "全部 {count} 个乘积（{channels} 张图 × 9）之和 = {sum:.4f}；加上偏置 {bias:.4f} 得到 **{total:.4f}**。",
    "**ReLU**: max(0, {total:.4f}) = **{relu:.4f}**": "**ReLU**：max(0, {total:.4f}) = **{relu:.4f}**",
    "2×2 max-pool window (rows {top}–{bottom}, columns {left}–{right})":
        "2×2 最大池化窗口（第 {top}–{bottom} 行，第 {left}–{right} 列）",
    "This pixel is the window's maximum: it is kept.": "这个像素是窗口中的最大值：它被保留。",
    "A neighbour is larger: this pixel is dropped.": "相邻像素更大：这个像素被丢弃。",
    "**Max-pool** keeps {kept:.4f} at row {row}, column {col} of the pooled map. {verdict}":
        "**最大池化** 保留 {kept:.4f}，位于池化后特征图的第 {row} 行、第 {col} 列。{verdict}",
    "The model's code pools before ReLU because it is faster; both orders give the same numbers, since ReLU and "
    "max never disagree about which value is largest.":
        "模型代码为了更快而先池化再 ReLU；两种顺序得到的数字完全相同，因为 ReLU 和取最大值对“哪个值最大”从不会有分歧。",
    "The last layer: ten scores become probabilities": "最后一层：十个分数变成概率",
    "logits z": "logits z",
    "probabilities softmax(z)": "概率 softmax(z)",
    "e^(z − {shift:.1f})": "e^(z − {shift:.1f})",
    "Sum of the exponentials = {total:.4g}; each probability is its exponential divided by this sum.":
        "指数之和 = {total:.4g}；每个概率等于它的指数除以这个和。",
    "Cross-entropy loss for the true digit {label}: −ln p{label} = −ln {p:.4f} = **{loss:.4f}**.":
        "真实数字 {label} 的交叉熵损失：−ln p{label} = −ln {p:.4f} = **{loss:.4f}**。",
    # the report
    "Mistakes": "错误样本",
    "Inside the CNN": "CNN 内部",
    "Accuracy": "准确率",
    "Rows: the true digit; columns: what the CNN read. Click a cell to see those test images.":
        "行：真实数字；列：CNN 的判断。点击一个格子即可查看对应的测试图像。",
    "true %{y}, predicted %{x}: click to see them": "真实 %{y}，预测 %{x}：点击查看",
    "Test images of {true} read as {predicted}: **{count:,}**.":
        "{true} 被认成 {predicted} 的测试图像：**{count:,}** 张。",
    "Test images of {true} read right: **{count:,}**.": "{true} 被正确识别的测试图像：**{count:,}** 张。",
    "The first {shown} are listed.": "下面列出前 {shown} 张。",
    "image": "图像",
    "test image #": "测试图像编号",
    "top 3 probabilities": "前 3 个概率",
    "Choose a row to open that image inside the CNN.": "选择一行，即可在“CNN 内部”中打开这张图像。",
    "Test image # (0–{last:,})": "测试图像编号（0–{last:,}）",
    "Train and test accuracy": "训练与测试准确率",
    "train accuracy (running, this epoch)": "训练准确率（本轮累计平均）",
    "test accuracy (after the epoch)": "测试准确率（每轮结束后）",
    "Train accuracy is a running average over the batches of the epoch so far, measured while the weights were "
    "still changing; test accuracy is measured once, after the epoch, with the final weights. That is why train "
    "accuracy trails test accuracy after one epoch; when it climbs well above test accuracy later, the network is "
    "memorising its training images (overfitting).":
        "训练准确率是本轮到目前为止各批次的累计平均，测量时权重仍在变化；测试准确率在每轮结束后用最终权重测一次。"
        "所以训练一轮后训练准确率会落后于测试准确率；如果之后它明显高于测试准确率，说明网络在死记训练图像（过拟合）。",
    "Accuracy per digit": "每个数字的准确率",
    "true digit": "真实数字",
    "digit %{x}: %{y:.1f}% right": "数字 %{x}：正确率 %{y:.1f}%",
}
