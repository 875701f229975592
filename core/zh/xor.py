"""中文 for the xor area's UI text, keyed by its English original (merged into core.strings.ZH)."""

ZH: dict[str, str] = {
    "**Step {steps:,}** from epoch {epoch:,}: loss {before:.5f} → {after:.5f}": "从第 {epoch:,} 轮起的**第 {steps:,} 步**：损失 {before:.5f} → {after:.5f}",
    "**The loss** this page plots and reports is the mean over the four points of ½(y − ŷ)²:": "本页绘制和报告的**损失**是四个点上 ½(y − ŷ)² 的平均值：",
    "An output of exactly 0.5 is undecided (➖) and NaN is wrong: neither counts as solved.": "输出恰好为 0.5 表示无法判定（➖），NaN 则是错误：两者都不算解决了 XOR。",
    "Back to start": "回到起点",
    "Every Train adds its run here.": "每次点击“训练”都会把这次运行加到这里。",
    "Follow the step": "跟随这一步",
    "Hidden space: where XOR becomes separable": "隐藏空间：XOR 在这里变得可分",
    "Keep this run": "保留这次运行",
    "Largest difference per weight matrix between the hand-written gradient and each check.": "每个权重矩阵上，手写梯度与各项检验之间的最大差值。",
    "Loss over your steps": "你走的每一步的损失",
    "Loss: mean of ½(y − ŷ)² over the 4 points": "损失：4 个点上 ½(y − ŷ)² 的平均值",
    "NaN": "NaN",
    "NaN at epoch {epoch:,}": "第 {epoch:,} 轮变成 NaN",
    "The page's options (other activations, initial weights, biases, the derivative trap) run in a subclass of the "
    "lesson's class, which checks them before it trains; with the lesson's options the page runs the lesson's class "
    "itself:": "本页的选项（其他激活函数、初始权重、偏置、导数陷阱）在课程类的一个子类中实现，它会在训练前先检查这些选项；"
    "选用课程的设置时，本页运行的就是课程里的类本身：",
    "With options, the backward pass's quantities come from one function, so the step-through view and the training "
    "use the same numbers:": "有选项时，反向传播中的各个量都来自同一个函数，所以逐步查看和训练用的是同一组数：",
    "“100 seeds per hidden size” trains 100 nets at once: their weights are stacked into one array and every matrix "
    "product runs on all of them together. Each net ends exactly where it would alone:": "“每种隐藏层大小各试 100 个随机种子”会同时训练 100 个网络："
    "它们的权重叠成一个数组，每次矩阵乘法都一起算完。每个网络的结果与单独训练时完全相同：",
    "A run's results are kept and shared: a visitor who picks the same settings sees them at once. New runs take fair "
    "turns on the shared CPU, so one long run cannot hold up everyone else.": "训练结果会被保存并共享：选了相同设置的访客会立即看到结果。"
    "新的训练在共享 CPU 上公平轮流，因此一次长时间的训练不会拖住其他人。",
    "Output ŷ now": "当前的输出 ŷ",
    "Press **Step** to take one gradient-descent step from these weights and see every number of it.": "按下**走一步**，从这组权重出发做一次梯度下降，并查看其中的每一个数。",
    "PyTorch's MSELoss is the mean of (y − ŷ)²; it is drawn halved, so both curves use this page's loss. Its gradient "
    "is a quarter of the lesson's sum, so at the same lr it learns slower.": "PyTorch 的 MSELoss 是 (y − ŷ)² 的平均值；图中画的是它的一半，这样两条曲线使用本页同一个损失。"
    "它的梯度只有课程中求和形式的四分之一，所以在相同学习率下学得更慢。",
    "Red edges are positive weights, blue negative, thicker is larger; each picture shows what that unit outputs over "
    "the input square.": "红色连线是正权重，蓝色是负权重，越粗绝对值越大；每张小图显示该单元在输入平面上的输出。",
    "Remove this run": "删除这次运行",
    "Start from the weights at epoch": "从这一轮的权重出发",
    "Step": "走一步",
    "Which input": "哪个输入",
    "error = y − ŷ": "误差（error）= y − ŷ",
    "The code that runs on this page with the lesson's settings:": "使用课程设置时，本页运行的代码：",
    "The lesson's `backward` follows the gradient of the sum C = ½Σ(y − ŷ)² = 4·L: the same direction, a step four "
    "times as long as the mean's.": "课程中的 `backward` 沿着求和形式 C = ½Σ(y − ŷ)² = 4·L 的梯度更新：方向相同，步长是平均形式的四倍。",
    "The network at epoch {epoch:,}": "第 {epoch:,} 轮时的网络",
    "This run would take about {seconds:.1f} s of the shared server's time; one click may use {most:.1f} s. Use fewer "
    "epochs (PyTorch's loop costs about 10× NumPy's per epoch).": "这次运行大约要占用共享服务器 {seconds:.1f} 秒；每次点击最多可用 {most:.1f} 秒。请减少训练轮数"
    "（PyTorch 循环每轮的开销约为 NumPy 的 10 倍）。",
    "Trained with: {settings}": "训练设置：{settings}",
    "Trains 100 nets at once for each hidden size 1–8 (vectorised NumPy), with this page's learning rate, epochs (at "
    "most {most:,}), biases, activation and initialisation.": "对每种隐藏层大小 1–8 同时训练 100 个网络（向量化 NumPy），"
    "使用本页的学习率、训练轮数（最多 {most:,} 轮）、偏置、激活函数和初始化方式。",
    "Unknown derivative choice {name}.": "未知的导数选项 {name}。",
    "XOR points": "XOR 数据点",
    "Your runs: loss, mean of ½(y − ŷ)²": "你的各次运行：损失，½(y − ŷ)² 的平均值",
    "after": "更新后",
    "before": "更新前",
    "biases: {value}": "偏置：{value}",
    "change": "变化量",
    "epoch + 1 (log scale)": "轮数 + 1（对数刻度）",
    "final loss {losses}": "最终损失 {losses}",
    "init {value}": "初始化 {value}",
    "inputs": "输入",
    "largest gradient": "最大梯度",
    "lr {value}": "学习率 {value}",
    "output": "输出",
    "output ŷ": "输出 ŷ",
    "parameter": "参数",
    "points": "数据点",
    "run {number}": "第 {number} 次运行",
    "seed {value}": "种子 {value}",
    "solved": "已解决",
    "steps": "步数",
    "units": "单元",
    "unpin": "取消固定",
    "vs autograd": "与 autograd 之差",
    "vs finite differences": "与有限差分之差",
    "weight": "权重",
    "weights": "权重",
    "yes": "有",
    "no": "无",
    "ŷ (right)": "ŷ（正确）",
    "A (the trap)": "A（陷阱）",
    "both": "两者",
    "{name} training… epoch {epoch:,} of {epochs:,}": "{name} 训练中… 第 {epoch:,} / {epochs:,} 轮",
    "Someone is training a CNN on this shared server, so XOR takes turns with it and runs slower.": "有人正在这台共享服务器上训练 CNN，所以 XOR 与它轮流使用 CPU，会慢一些。",
    "{name}: diverged; the weights blew up and the loss became NaN at epoch {epoch:,} ❌": "{name}：发散了，权重爆炸，损失在第 {epoch:,} 轮变成 NaN ❌",
    "{name}: the loss became NaN at epoch {epoch:,}. The cause is the derivative trap: sigmoid_derivative was given "
    "the pre-activation A instead of the output ŷ, so the updates point the wrong way and the weights blow up. "
    "Choose “the output ŷ” to fix it.": "{name}：损失在第 {epoch:,} 轮变成 NaN。原因是导数陷阱：传给 sigmoid_derivative 的是激活前的值 A 而不是输出 ŷ，"
    "于是每次更新的方向都不对，权重最终爆炸。选择“输出 ŷ”即可修正。",
    "{name}: the loss became NaN at epoch {epoch:,}: the learning rate is too large; try a smaller one.": "{name}：损失在第 {epoch:,} 轮变成 NaN：学习率太大，请换一个更小的。",
    "{value:,} epochs": "{value:,} 轮",
    "{value}": "{value}",
    "{value} hidden": "{value} 个隐藏单元",
    "×10": "×10",
    "×100": "×100",
    "σ' of {value}": "σ' 作用于 {value}",
    "✅ Gradient check: hand-written backprop vs torch autograd": "✅ 梯度检验：手写反向传播 vs torch autograd",
    "⬇ Download this run as a Python script (NumPy only)": "⬇ 把这次运行下载为 Python 脚本（只需 NumPy）",
    "🎲 How often does it work? 100 seeds per hidden size": "🎲 成功率有多高？每种隐藏层大小各试 100 个随机种子",
    "👣 Step through one update": "👣 一步一步看一次更新",
    "🗂 Your runs: compare and pin": "🗂 你的各次运行：对比与固定",
    "🪤 The lesson's question: what if sigmoid_derivative gets A instead of ŷ?": "🪤 课程里的问题：如果传给 sigmoid_derivative 的是 A 而不是 ŷ 会怎样？",
}
