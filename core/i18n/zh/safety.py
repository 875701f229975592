"""中文 for the safety area's UI text, keyed by its English original (merged into core.i18n.strings.ZH)."""

ZH: dict[str, str] = {
    # Model files (core/model_file.py)
    "A weight in this model file lies in a storage larger than the weight itself.": "这个模型文件中有一个权重存放在比它自身大得多的存储块里。",
    "Expected a path or a binary file, got {kind}.": "需要一个路径或二进制文件，收到的是 {kind}。",
    "No model file at {path}.": "{path} 处没有模型文件。",
    "The file must be opened in binary mode.": "文件必须以二进制模式打开。",
    "The file's model config must have exactly the keys {keys}.": "文件中的模型配置必须恰好包含这些键：{keys}。",
    "The file's weights do not match the model: expected the tensors {names}.": "文件中的权重与模型不匹配：应当包含这些张量：{names}。",
    "The file's {key} is {value}; this page builds models with {key} from {low} to {high}.": "文件中的 {key} 为 {value}；本页只构建 {key} 在 {low} 到 {high} 之间的模型。",
    "The model file is larger than {mb} MB.": "模型文件超过了 {mb} MB。",
    "This file is not an NN Playground CNN model (its format tag is missing).": "这不是 NN Playground 的 CNN 模型文件（缺少格式标记）。",
    "This file's contents are not a usable NN Playground model ({kind}).": "这个文件的内容不是可用的 NN Playground 模型（{kind}）。",
    "This is not a model saved by NN Playground (it could not be read safely: {kind}).": "这不是 NN Playground 保存的模型（无法安全读取：{kind}）。",
    "This is not a model saved by NN Playground (it is not a PyTorch model file).": "这不是 NN Playground 保存的模型（它不是 PyTorch 模型文件）。",
    "This model file contains something other than plain tensors ({what}).": "这个模型文件里除了普通张量还有别的内容（{what}）。",
    "This model file holds more than a model's config, weights and a few notes.": "这个模型文件里除了模型配置、权重和少量备注之外还有别的内容。",
    "This model file holds weights that are not floating-point numbers.": "这个模型文件中的权重不是浮点数。",
    "This model file's archive declares more data than the file holds.": "这个模型文件的压缩包声明的数据量超过了文件实际包含的数据。",
    "This model file's archive has entries outside its folder.": "这个模型文件的压缩包中有位于其目录之外的条目。",
    "This model file's archive has {count} entries; a model has at most {limit}.": "这个模型文件的压缩包有 {count} 个条目；一个模型最多只有 {limit} 个。",
    "This model file's archive directory is {kb} kB; a model's is at most {limit} kB.": "这个模型文件的压缩包目录有 {kb} kB；一个模型的目录最多 {limit} kB。",
    "This model file's archive is compressed; PyTorch never writes compressed models.": "这个模型文件的压缩包经过了压缩；PyTorch 从不写出压缩过的模型。",
    "This model file's archive names the same entry twice.": "这个模型文件的压缩包中有重名的条目。",
    "This model file's description (data.pkl) is damaged.": "这个模型文件的描述部分（data.pkl）已损坏。",
    "This model file's description (data.pkl) is larger than {mb} MB.": "这个模型文件的描述部分（data.pkl）超过了 {mb} MB。",
    "This model file's weights are larger than the model it declares.": "这个模型文件中的权重比它声明的模型还大。",
    "This model file's weights do not match its description (data.pkl).": "这个模型文件中的权重与它的描述部分（data.pkl）不符。",
    "Weight {name} has shape {shape}; the model needs {needed}.": "权重 {name} 的形状是 {shape}；模型需要 {needed}。",
    "Weight {name} is not a finite floating-point tensor.": "权重 {name} 不是有限值的浮点张量。",
    # Images (core/image_file.py)
    "That file is not an image this app can read; upload a PNG or JPEG of one digit.": "本应用无法读取这个文件；请上传一张只有一个数字的 PNG 或 JPEG 图片。",
    "The file is {size:.1f} MB; the limit is {limit:.0f} MB.": "文件大小为 {size:.1f} MB，上限是 {limit:.0f} MB。",
    "This JPEG is stored in {scans} passes, too many to decode at {width}×{height}; please save it again as an "
    "ordinary JPEG.": "这张 JPEG 分成 {scans} 遍存储，以 {width}×{height} 的尺寸解码需要太多遍；请重新存成普通的 JPEG。",
    "The image is {width}×{height} pixels; please upload one under {mp} megapixels.": "这张图片有 {width}×{height} 像素；请上传小于 {mp} 百万像素的图片。",
    "The image is {width}×{height} pixels; upload a picture of one digit at least {side} pixels on each side and at "
    "most {aspect} times as long as it is wide.": "这张图片有 {width}×{height} 像素；请上传一张只有一个数字的图片，每边至少 {side} 像素，长边不超过短边的 {aspect} 倍。",
    "The server's memory is full with what visitors keep open. Please try again in a few minutes.": "服务器内存已被访客正在使用的内容占满。请过几分钟再试。",
    "The server's memory was needed for other visitors, so runs {numbers} left your run history (the model the pages use stays).": "其他访客需要服务器内存，因此第 {numbers} 次训练已从你的训练记录中移除（页面正在使用的模型保留）。",
}
