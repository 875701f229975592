"""中文 for the cnn area's UI text, keyed by its English original (merged into core.i18n.strings.ZH)."""

ZH: dict[str, str] = {
    "**A loss of 2.30 means guessing.** A network that gives all ten digits the same probability 1/10 has loss "
    "−log(1/10) = ln 10 ≈ 2.30. Every run starts there; a run that stays there has learned nothing (the training "
    "doctor below the results says what to change).": "**损失为 2.30 意味着在瞎猜。** 如果网络给十个数字都分配相同的概率 1/10，损失就是 −log(1/10) = ln 10 ≈ 2.30。"
    "每次训练都从这里开始；如果一直停在这里，说明网络什么也没学到（结果下方的“训练诊断”会告诉你该改什么）。",
    "A run draws this many of the data's training images at random; the largest choice is all of them.": "每次训练从数据的训练图像中随机抽取这么多张；最大的选项就是全部图像。",
    "Adam": "Adam",
    "Training images": "训练图像数",
    "training images": "训练图像数",
    "on": "开",
    "off": "关",
    "A running average over this epoch's batches so far, measured while the weights still change: that is why it "
    "trails the test accuracy after the first epoch.": "这是本轮到目前为止各批次的累计平均，是在权重仍在变化时测得的：所以第一轮结束后，它会落后于测试准确率。",
    "Trained on {images:,} MNIST training images.": "使用了 {images:,} 张 MNIST 训练图像。",
    "Trained on {images:,} images of the bundled MNIST sample (the data directory has no MNIST).": "使用了自带 MNIST 样本中的 {images:,} 张图像（数据目录中没有 MNIST）。",
    "You stopped run {number} at {new:.2%} test accuracy. The model you had scores {old:.2%}, so the pages keep "
    "using it; both are in the run history below, where you can pick either.": "你在测试准确率为 {new:.2%} 时停止了第 {number} 次训练。原来的模型准确率为 {old:.2%}，"
    "所以各页面继续使用原来的模型；两者都在下方的训练记录里，你可以任选其一。",
    "You stopped run {number} at {new:.2%} test accuracy, better than the {old:.2%} of the model you had, so the "
    "pages use it now. The earlier model is still in the run history below.": "你在测试准确率为 {new:.2%} 时停止了第 {number} 次训练，比原来模型的 {old:.2%} 更好，所以各页面现在改用它。"
    "原来的模型仍保留在下方的训练记录里。",
    "Done: test accuracy {accuracy:.2%} after 1 epoch in {seconds:.0f} s.": "完成：训练 1 轮，用时 {seconds:.0f} 秒，测试准确率 {accuracy:.2%}。",
    "🩺 Training doctor": "🩺 训练诊断",
    "Nothing looks wrong with this run: the loss fell, test accuracy follows train accuracy, and most fully "
    "connected units fire.": "这次训练看起来没有问题：损失在下降，测试准确率跟得上训练准确率，大多数全连接单元也都会被激活。",
    "Apply: {change}": "应用：{change}",
    "Sets the settings above; then press Train.": "会修改上面的设置；然后按“训练”。",
    "The loss became NaN or infinite: training diverged": "损失变成了 NaN 或无穷大：训练发散了",
    "At learning rate {lr:g} the steps were so large that the weights blew up; once a number is NaN, every later "
    "step is NaN too, so the run cannot recover.": "学习率为 {lr:g} 时步子迈得太大，权重爆炸了；一旦某个数变成 NaN，之后的每一步也都是 NaN，这次训练无法恢复。",
    "Lower the learning rate about 10× and train again.": "把学习率降低约 10 倍，再训练一次。",
    "Loss stuck at ln 10 ≈ 2.30: the network is guessing": "损失卡在 ln 10 ≈ 2.30：网络在瞎猜",
    "The loss is {loss:.2f} and accuracy {accuracy:.0%}. A network that gives each of the ten digits the same "
    "probability 1/10 has cross-entropy −log(1/10) = ln 10 ≈ 2.30, and is right one time in ten: it has learned "
    "nothing.": "损失为 {loss:.2f}，准确率为 {accuracy:.0%}。如果网络给十个数字都分配相同的概率 1/10，交叉熵就是 −log(1/10) "
    "= ln 10 ≈ 2.30，十次只能猜对一次：它什么也没学到。",
    "Lower the learning rate to 0.001 (the lesson's value for Adam) and train again.": "把学习率降到 0.001（课程中 Adam 使用的值），再训练一次。",
    "The steps are too small to get anywhere yet: raise the learning rate a little, or train longer.": "步子太小，还走不到哪里去：把学习率调高一点，或者训练更久。",
    "The loss jumped up during training": "训练过程中损失突然跳升",
    "At epoch {epoch:.1f} the loss rose to {loss:.2f} after it had been down at {best:.2f}: a step overshot and "
    "undid part of what the network had learned.": "训练到约 {epoch:.1f} 轮时，损失从此前的 {best:.2f} 回升到 {loss:.2f}：某一步迈过了头，抹掉了网络已经学到的一部分。",
    "A smaller learning rate takes steadier steps.": "较小的学习率能让每一步走得更稳。",
    "Train accuracy is well above test accuracy: overfitting": "训练准确率明显高于测试准确率：过拟合",
    "On the images it trains on it is right {train:.1%} of the time, on test images it has never seen only "
    "{test:.1%}. It is memorising its {images:,} training images instead of learning digits.": "在训练图像上它的准确率为 {train:.1%}，而在从未见过的测试图像上只有 {test:.1%}。它是在死记这 {images:,} "
    "张训练图像，而不是在学习识别数字。",
    "Train on more images: {available:,} are available.": "用更多图像训练：共有 {available:,} 张可用。",
    "Train for fewer epochs (test accuracy was best after epoch {best_epoch}), or give it more data.": "减少训练轮数（测试准确率在第 {best_epoch} 轮后最高），或者给它更多数据。",
    "Many fully connected units never fire (dead ReLUs)": "很多全连接单元从不激活（ReLU 死亡）",
    "{count} of the {total} units of the hidden fc layer output 0 for every one of {images} test images. ReLU's "
    "gradient is 0 there, so these units get no updates and stay dead.": "隐藏全连接层的 {total} 个单元中，有 {count} 个对全部 {images} 张测试图像都输出 0。ReLU 在那里的梯度为 0，"
    "所以这些单元得不到任何更新，会一直“死”下去。",
    "Lower the learning rate: big steps push units below zero for good.": "降低学习率：步子太大会把单元永久推到零以下。",
    "Give the layer more units, so enough stay alive.": "给这一层更多单元，让足够多的单元存活下来。",
    "🔎 Find a learning rate": "🔎 寻找学习率",
    "Find a learning rate": "寻找学习率",
    "Train a fresh copy of the model for {steps} batches while the learning rate grows from 10⁻⁶ to 1, and watch "
    "the loss: flat while the steps are too small, falling where the rate is useful, shooting up where it is too "
    "large. A good rate is about a tenth of the one with the lowest loss.": "用一个全新的模型副本训练 {steps} 个批次，同时让学习率从 10⁻⁶ 增长到 1，并观察损失：步子太小时损失几乎不变，"
    "学习率合适时损失快速下降，学习率过大时损失急剧上升。好的学习率大约是损失最低处学习率的十分之一。",
    "Starting the range test…": "正在开始学习率范围测试…",
    "The range test failed: {reason}": "学习率范围测试失败：{reason}",
    "Batch {step} of {steps} · learning rate {lr:.1e}": "第 {step}/{steps} 批 · 学习率 {lr:.1e}",
    "Suggested learning rate for {optimizer}: about {lr:.1e}; the nearest setting is {choice:g}.": "{optimizer} 的建议学习率约为 {lr:.1e}；最接近的可选值是 {choice:g}。",
    "Use learning rate {lr:g}": "使用学习率 {lr:g}",
    "Learning-rate range test: loss as the rate grows": "学习率范围测试：学习率增大时的损失",
    "loss of each batch": "每批的损失",
    "smoothed loss": "平滑后的损失",
    "suggested {lr:.0e}": "建议 {lr:.0e}",
    "Your runs": "你的训练记录",
    "Run {number}": "第 {number} 次训练",
    "The model the pages use (the Draw page reads it)": "各页面使用的模型（“手写”页面读取的就是它）",
    "Your runs: loss (solid) and test accuracy (dotted)": "你的训练：损失（实线）与测试准确率（虚线）",
    "{label}: test accuracy %": "{label}：测试准确率 %",
    "Download this run as a Python script": "把这次训练下载为 Python 脚本",
    "The lesson's script with this run's settings; it needs only `torch` and `torchvision`.": "课程的训练脚本，填入了这次训练的设置；只需要 `torch` 和 `torchvision`。",
    "An uploaded model has no training settings to export.": "上传的模型没有可导出的训练设置。",
    "Epochs must be a whole number of at least 1 (got {value}).": "训练轮数必须是不小于 1 的整数（当前为 {value}）。",
    "The learning rate must be a positive finite number (got {value}).": "学习率必须是有限的正数（当前为 {value}）。",
    "The batch size must be a whole number of at least 1 (got {value}).": "批大小必须是不小于 1 的整数（当前为 {value}）。",
    "The number of training images must be a whole number of at least 1 (got {value}).": "训练图像数必须是不小于 1 的整数（当前为 {value}）。",
    "Unknown optimizer {name}: use adam or sgd.": "未知的优化器 {name}：请使用 adam 或 sgd。",
    "The learning-rate range must satisfy 0 < start < end ≤ 10 (got {start} to {end}).": "学习率范围必须满足 0 < 起点 < 终点 ≤ 10（当前为 {start} 到 {end}）。",
    "The range test takes 2 to {most} steps of batches of 1 to 512 images.": "学习率范围测试需要 2 到 {most} 步，每批 1 到 512 张图像。",
    "The run's {name} is {value}; it is not one of the page's values.": "这次训练的 {name} 为 {value}；它不是本页可选的值。",
    "Stopped at epoch {epoch}, batch {batch}; measuring its test accuracy…": "已在第 {epoch} 轮第 {batch} 批停止；正在测量它的测试准确率…",
    "Paused for a moment: a short run goes first; yours continues by itself.": "暂停片刻：一个短训练先运行；你的训练会自动继续。",
    # The recipe and "How it works" (ui/teach.py)
    "The CNN's loop can be fed by the post's own data pipeline directly: `ToTensor()` only, as the post writes "
    "it:": "CNN 的训练循环也可以直接用原文自己的数据管道来喂数据：只有 `ToTensor()`，和原文写的一样：",
    "The page adds one step the post does not have: it also normalises each pixel with MNIST's mean and standard "
    "deviation, `Normalize((0.1307,), (0.3081,))`, so the inputs are centred near 0. Its Train button runs exactly "
    "this `train_epoch`, about ten times an epoch on a tenth of the batches each, so it can report progress and "
    "stop in between.": "本页面多加了一步，原文没有：它还用 MNIST 的均值和标准差对每个像素做归一化，"
    "`Normalize((0.1307,), (0.3081,))`，让输入以 0 附近为中心。页面上的“训练”按钮运行的正是这个 `train_epoch`："
    "每轮大约调用十次，每次处理十分之一的批次，这样中途就能汇报进度，也能随时停止。",
    "Why the page trains faster: under the hood": "本页面为什么训练得更快：见幕后原理",
    "The page's faster forward: under the hood": "本页面更快的前向传播：见幕后原理",
    "The forward pass as the post writes it, run on the page's model:": "原文写的前向传播，在本页面的模型上运行：",
    "With padding 1, output pixel (i, j) reads the input pixels i−1 … i+1 and j−1 … j+1, centred on itself; "
    "outside the image the input counts as 0, so the output keeps the 28×28 size.": "填充为 1 时，输出像素 (i, j) 读取输入的第 i−1 … i+1 行、第 j−1 … j+1 列，"
    "以它自己为中心；图像之外的输入记为 0，所以输出保持 28×28 的大小。",
    "**Softmax and cross-entropy** turn the ten scores into probabilities and punish a low probability for the "
    "true digit:": "**Softmax 与交叉熵** 把十个分数转换成概率，并在真实数字的概率偏低时给予惩罚：",
    "**Adam** keeps two running averages for each weight: m of its gradients g (the first moment) and v of their "
    "squares g² (the second moment). Its step divides the first by the square root of the second, so each weight "
    "gets a step of about lr whatever the size of its gradients:": "**Adam** 为每个权重保存两个滑动平均：梯度 g 的平均 m（一阶矩）和梯度平方 g² 的平均 v（二阶矩）。"
    "它的更新步长是前者除以后者的平方根，所以无论梯度大小如何，每个权重每步大约移动 lr：",
    "m̂ and v̂ are m and v corrected for starting at 0; PyTorch's defaults are β₁ = 0.9, β₂ = 0.999.": "m̂ 和 v̂ 是对从 0 起步做过修正的 m 和 v；PyTorch 的默认值为 β₁ = 0.9，β₂ = 0.999。",
    # The Under the hood page (views/under_the_hood.py, ui/cnn_hood.py)
    "Under the hood": "幕后原理",
    "For the curious: how the pages run fast and check themselves. Nothing here is needed to follow the lesson; "
    "where the page's code differs from the post's, this page shows both and the proof that they agree.": "写给好奇的你：各页面如何跑得快，又如何自我检查。学习课程内容并不需要这里的任何东西；"
    "凡是页面代码与原文不同的地方，这里都会把两者并列出来，并证明它们结果一致。",
    "Why the CNN page trains faster than the post's script": "为什么 CNN 页面比原文的脚本训练得更快",
    "From a drawing to ten probabilities in milliseconds": "从手写数字到十个概率，只需几毫秒",
    "The XOR page's options": "XOR 页面的各种选项",
    "**What is the same.** For the same weights and the same batch of inputs, the page's forward pass gives the "
    "post's outputs and its backward pass the post's gradients: the check at the end measures both. What is not "
    "the post's: the page normalises the pixels (`Normalize((0.1307,), (0.3081,))`, which the post does not do) "
    "and draws its own shuffled batches, so a whole run is not the post's run step for step.": "**哪些是相同的。** 对同样的权重和同一批输入，本页面的前向传播给出与原文相同的输出，"
    "反向传播给出与原文相同的梯度：最后的检查会同时测量这两者。哪些不是原文的：本页面会对像素做归一化"
    "（`Normalize((0.1307,), (0.3081,))`，原文没有这一步），并自己打乱、抽取批次，所以整次训练并不会与原文逐步相同。",
    "**1. Pooling before ReLU.** The post writes `pool(relu(conv(x)))`:": "**1. 先池化再 ReLU。** 原文写的是 `pool(relu(conv(x)))`：",
    "ReLU is non-decreasing (a larger input never gives a smaller output), so it never changes which value of a "
    "2×2 window is the largest: relu(max(a, b)) = max(relu(a), relu(b)). Pooling first gives the same numbers, "
    "and ReLU then touches 4× fewer values, in place. The page's model runs this:": "ReLU 是单调不减的（输入变大，输出绝不会变小），所以它不会改变 2×2 窗口里哪个值最大："
    "relu(max(a, b)) = max(relu(a), relu(b))。先池化得到的数值完全相同，而 ReLU 要处理的数值减少到四分之一，"
    "并且可以原地计算。本页面的模型运行的是这段代码：",
    "**2. `uint8` batches already in memory, `channels_last`.** The post's `DataLoader` turns each image into a "
    "tensor one by one. The page keeps the data as one `uint8` tensor (one byte a pixel) and builds each batch in "
    "one step: the `ToTensor()` arithmetic, then the page's `Normalize`, in the memory order (`channels_last`) "
    "that the CPU's convolutions run fastest on. A test checks that these batches equal those of a `DataLoader` "
    "with the same two transforms, value for value.": "**2. `uint8` 批数据事先放在内存里，并采用 `channels_last` 布局。** 原文的 `DataLoader` "
    "会把图像逐张转换成张量；本页面则把全部数据保存为一个 `uint8` 张量（每个像素一个字节），一步就拼出一个批次："
    "先做 `ToTensor()` 的运算，再做本页面的 `Normalize`，并采用 CPU 卷积运算最快的内存顺序（`channels_last`）。"
    "有一个测试会逐个数值核对，确认这些批次与使用同样两个变换的 `DataLoader` 给出的完全一致。",
    "**3. Fused Adam.** Adam updates every weight tensor in several small steps (its two running averages, then "
    "the weight). The fused version does all of them for all tensors in one pass; the arithmetic is Adam's:": "**3. 融合版 Adam。** Adam 对每个权重张量都要分几小步更新（先更新两个滑动平均，再更新权重）。"
    "融合版一次就为所有张量完成全部这些步骤；运算本身仍是 Adam 的：",
    "**4. The proof.** This check runs both forms on the same images with the same weights and compares every "
    "output and every gradient; the tests run it too:": "**4. 证明。** 下面这段检查用同样的权重、同一批图像分别运行两种写法，逐一比较每个输出和每个梯度；测试也会运行它：",
    "Measured now on 16 images: largest difference in the outputs {outputs:.1e}, in the gradients "
    "{gradients:.1e}.": "刚刚在 16 张图像上实测：输出的最大差异为 {outputs:.1e}，梯度的最大差异为 {gradients:.1e}。",
    "The Draw page answers while you draw. Measured now on this server, for a test digit drawn on the 280×280 "
    "canvas (median of {runs} runs, ready-made model): preprocessing {prep:.1f} ms, the CNN {net:.1f} ms, "
    "**{total:.1f} ms** from the canvas to ten probabilities.": "“手写数字”页面在你书写时就给出答案。刚刚在这台服务器上实测，对画在 280×280 画布上的一个测试数字"
    "（{runs} 次运行的中位数，现成模型）：预处理 {prep:.1f} 毫秒，CNN {net:.1f} 毫秒，从画布到十个概率共 "
    "**{total:.1f} 毫秒**。",
    "Preprocessing finds the ink, crops to it, fits it into a 20×20 box and centres it by its centre of mass in "
    "28×28, as MNIST was made. The CNN's part is one forward pass, about {macs:.1f} million multiply-adds, and a "
    "softmax. The ready-made model is read once per server process and shared by every visitor; a stroke reruns "
    "only the drawing part of the page, and the costly views (saliency, feature maps) are computed only while "
    "their section is open.": "预处理会找到笔迹、裁剪到笔迹范围、缩放进 20×20 的方框，再按质心放到 28×28 的中央，"
    "和当年制作 MNIST 的方法一样。CNN 的部分是一次前向传播（约 {macs:.1f} 百万次乘加）加一次 softmax。"
    "现成模型在每个服务器进程中只读取一次，所有访客共用；每画一笔只会重新运行页面的绘图部分，"
    "而开销较大的视图（显著性图、特征图）只在它们所在的部分展开时才计算。",
    "Precision": "精度",
    "The numbers the forward pass multiplies in. bfloat16 keeps float32's range with 8 bits of mantissa: where the hardware has it, it is faster, and the weights and Adam stay float32. auto picks bfloat16 where it is native and faster, else float32.": "前向传播做乘法时所用的数值格式。bfloat16 保留 float32 的数值范围，尾数只有 8 位：在硬件支持它的地方更快，而权重和 Adam 仍然是 float32。“自动”会在 bfloat16 是原生且更快的地方选它，否则用 float32。",
    "auto": "自动",
    "bfloat16: this CPU has AMX, so auto trains in bfloat16.": "bfloat16：这台 CPU 有 `AMX`，所以“自动”用 bfloat16 训练。",
    "bfloat16: this CPU has AVX512-BF16 but no AMX. On such a CPU it trained slower than float32 (bench/benchmark.py: 2,018 vs 3,690 samples/s), so auto keeps float32.": "bfloat16：这台 CPU 有 AVX512-BF16，但没有 `AMX`。在这样的 CPU 上，它训练得比 float32 还慢（`bench/benchmark.py`：每秒 2,018 对 3,690 个样本），所以 `auto` 保持 float32。",
    "bfloat16: this CPU has no bfloat16 instructions; it would be emulated and slower, so auto keeps float32.": "bfloat16：这台 CPU 没有 bfloat16 指令；只能模拟，反而更慢，所以“自动”仍用 float32。",
    "bfloat16: this GPU ({gpu}) runs it natively, so auto trains in bfloat16.": "bfloat16：这块 GPU（{gpu}）原生支持它，所以“自动”用 bfloat16 训练。",
    "This GPU ({gpu}) has no bfloat16: bfloat16 runs as float16 with loss scaling (GradScaler).": "这块 GPU（{gpu}）不支持 bfloat16：选 bfloat16 时会改用 float16，并做损失缩放（GradScaler）。",
    "Apple MPS: float32 only here.": "Apple MPS：这里只提供 float32。",
    "Train the same settings once in float32 and once in bfloat16 to see here what it costs.": "用同样的设置分别以 float32 和 bfloat16 各训练一次，这里就会显示 bfloat16 的代价。",
    "Runs {full} and {low}, the same settings: float32 {full_accuracy:.2%}, {name} {low_accuracy:.2%} ({gap:+.2f} points).": "第 {full} 次和第 {low} 次训练，设置相同：float32 为 {full_accuracy:.2%}，{name} 为 {low_accuracy:.2%}（相差 {gap:+.2f} 个百分点）。",
    "Unknown precision {value}: use auto, float32 or bfloat16.": "未知的精度 {value}：请用 “自动”、float32 或 bfloat16。",
    "bfloat16 is not offered on {device}; choose float32 or auto.": "{device} 上不提供 bfloat16；请选 float32 或“自动”。",
    "This run needs about {need} MB of GPU memory and the GPU has {free} MB free. Lower the batch size, the model's size or the training images.": "这次训练大约需要 {need} MB 显存，而 GPU 只剩 {free} MB。请减小批大小、模型规模或训练图像数。",
    "The GPU ran out of memory during the run. Lower the batch size or the model's size, or try again.": "训练途中 GPU 显存不足。请减小批大小或模型规模，或者再试一次。",
    "Precision: training in bfloat16": "精度：用 bfloat16 训练",
    "A float32 number has 24 bits of mantissa; bfloat16 keeps float32's 8 exponent bits (the same range) and only 8 bits of mantissa, about 2 to 3 decimal digits. A CPU with AMX, or a GPU, multiplies bfloat16 matrices several times faster than float32. With Precision set to bfloat16, `torch.autocast` runs the convolutions and the fully connected layers on 16-bit copies of the weights; the weights themselves, their gradients and Adam's averages stay float32, so the small updates of late training are not rounded away. The loss is computed from float32 logits.": "float32 的尾数有 24 位；bfloat16 保留了 float32 的 8 位指数（数值范围相同），尾数却只有 8 位，大约 2 到 3 位十进制有效数字。带 `AMX` 的 CPU 或 GPU 做 bfloat16 矩阵乘法比 float32 快好几倍。把“精度”设为 bfloat16 时，`torch.autocast` 会用权重的 16 位副本来算卷积层和全连接层；权重本身、它们的梯度和 Adam 的平均值仍是 float32，所以训练后期的微小更新不会被舍入掉。损失由 float32 的 logits 计算。",
    "The recipe's `train_epoch` is the lesson's loop, unchanged: it is handed the model wrapped like this, one `with torch.autocast(...)` around each batch's forward pass:": "配方里的 `train_epoch` 仍是课程原来的循环，一字未改：交给它的是这样包装过的模型，每个批次的前向传播外面套一个 `with torch.autocast(...)`：",
    "On this server: {offer} With the setting on auto, a run here trains in {name}.": "在这台服务器上：{offer} 设置为“自动”时，这里的训练用 {name}。",
    "**What it costs.** On the 8,000-image sample, 2 epochs, the same seed and the same batches: test accuracy 97.90% in bfloat16 against 98.00% in float32 (seed 0). A GPU without bfloat16 runs float16 instead, whose range is small, so the loss is multiplied before the backward pass and the gradients divided back (`GradScaler`). The CNN page shows the difference on your own last runs.": "**代价是什么。** 在 8,000 张图像的样本上训练 2 轮，种子相同、批次相同：bfloat16 的测试准确率为 97.90%，float32 为 98.00%（种子 0）。不支持 bfloat16 的 GPU 会改用 float16，它的数值范围小，所以反向传播前先把损失放大，再把梯度缩小回来（`GradScaler`）。CNN 页面会用你自己最近的几次训练显示这个差别。",
}
