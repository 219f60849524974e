"""tests/mlx/standin/huggingface_hub - the model-card part of huggingface_hub, for the tier.

mlx_lm.convert and mlx_lm.fuse end by writing a README.md model card with
huggingface_hub.ModelCard, which the stub of ../shared/mlx-cpu cannot do.
This stand-in (tests/mlx/standins.py lists it) writes the card as a YAML
header with the card data, read back from a local folder's README.md; every
other name, and the submodules, are the stub's (downloads raise).
"""
import os

import _stubbase
from _stubbase import _Unavailable, install

__version__ = "0.0.tier-standin"
# the stub's submodules (errors, utils) stay importable
__path__.append(os.path.join(os.path.dirname(_stubbase.__file__), "huggingface_hub"))


class ModelCardData:
    def __init__(self, **kwargs):
        self.tags = None
        self.__dict__.update(kwargs)


class ModelCard:
    def __init__(self, data=None, text=""):
        self.data = data or ModelCardData()
        self.text = text

    @classmethod
    def from_template(cls, data):
        return cls(data)

    @classmethod
    def load(cls, path):
        readme = os.path.join(str(path), "README.md")
        if not os.path.isfile(readme):
            return cls(ModelCardData())
        with open(readme, encoding="utf-8") as f:
            return cls(ModelCardData(), f.read())

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write("---\n")
            for k, v in sorted(vars(self.data).items()):
                if v is not None:
                    f.write("%s: %s\n" % (k, v))
            f.write("---\n" + self.text)


def snapshot_download(*a, **k):
    raise _Unavailable("huggingface_hub.snapshot_download: the tier is offline")


def scan_cache_dir(*a, **k):
    raise _Unavailable("huggingface_hub.scan_cache_dir: the tier is offline")


install(globals(), "huggingface_hub")
