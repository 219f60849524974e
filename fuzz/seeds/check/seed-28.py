# expect: MLX205 21:1
# The bfloat16 cast happens before loading, so the file's float32 weights win.
import mlx.core as mx
import mlx.nn as nn


class Classifier(nn.Module):
    def __init__(self, dims: int, classes: int):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(dims, dims), nn.GELU())
        self.head = nn.Linear(dims, classes)

    def __call__(self, x):
        return self.head(self.body(x))


model = Classifier(512, 10)
model.set_dtype(mx.bfloat16)
model.eval()

model.load_weights("classifier.safetensors")
logits = model(mx.random.normal((1, 512)))
print(mx.argmax(logits, axis=-1))
