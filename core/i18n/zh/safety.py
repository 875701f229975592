"""中文 for the safety area's UI text, keyed by its English original (merged into core.i18n.strings.ZH)."""

ZH: dict[str, str] = {
    # Model files (core/files/model_file.py)
    "Expected a path or a binary file, got {kind}.": "需要一个路径或二进制文件，收到的是 {kind}。",
    "No model file at {path}.": "{path} 处没有模型文件。",
    "The file must be opened in binary mode.": "文件必须以二进制模式打开。",
    "The file's model config must have exactly the keys {keys}.": "文件中的模型配置必须恰好包含这些键：{keys}。",
    "The file's weights do not match the model: expected the tensors {names}.": "文件中的权重与模型不匹配：应当包含这些张量：{names}。",
    "The file's {key} is {value}; this page builds models with {key} from {low} to {high}.": "文件中的 {key} 为 {value}；本页只构建 {key} 在 {low} 到 {high} 之间的模型。",
    "The model file is larger than {mb} MB.": "模型文件超过了 {mb} MB。",
    "This file is not an NN Playground CNN model (its format tag is missing).": "这不是 NN Playground 的 CNN 模型文件（缺少格式标记）。",
    "This file's contents are not a usable NN Playground model ({kind}).": "这个文件的内容不是可用的 NN Playground 模型（{kind}）。",
    "This is not a model saved by NN Playground (it is not a .safetensors file).": "这不是 NN Playground 保存的模型（它不是 .safetensors 文件）。",
    "This looks like a .pt file from an earlier version of NN Playground. The app now saves models as .safetensors "
    "files and cannot read old .pt files: please train the model again and download it.": "这看起来是旧版 NN Playground 保存的 .pt 文件。本应用现在以 .safetensors 文件保存模型，无法读取旧的 .pt 文件：请重新训练模型并再次下载。",
    "This model file holds more than a model's config, weights and a few notes.": "这个模型文件里除了模型配置、权重和少量备注之外还有别的内容。",
    "This model file holds {held} bytes of weights; its header declares {declared}.": "这个模型文件包含 {held} 字节的权重；它的文件头声明的是 {declared} 字节。",
    "This model file is cut short: its header is longer than the file.": "这个模型文件不完整：它的文件头比整个文件还长。",
    "This model file's header describes weight {name} oddly.": "这个模型文件的文件头对权重 {name} 的描述不正常。",
    "This model file's header is {kb} kB; a model's is at most {limit} kB.": "这个模型文件的文件头有 {kb} kB；一个模型的文件头最多 {limit} kB。",
    "This model file's weights overlap, leave gaps or are not the size of their shapes.": "这个模型文件中的权重相互重叠、留有空隙，或者大小与形状不符。",
    "Weight {name} has shape {shape}; the model needs {needed}.": "权重 {name} 的形状是 {shape}；模型需要 {needed}。",
    "Weight {name} is not a finite floating-point tensor.": "权重 {name} 不是有限值的浮点张量。",
    "Weight {name} is stored as {dtype}; NN Playground saves float32 (F32) weights.": "权重 {name} 以 {dtype} 存储；NN Playground 保存的是 float32（F32）权重。",
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
