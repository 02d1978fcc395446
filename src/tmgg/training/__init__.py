"""Training: the LightningModule every denoiser uses, its metrics, and ``train(cfg)``."""

from tmgg.training.denoising_module import DenoisingModule
from tmgg.training.errors import ConfigError, TmggError, TrainingError
from tmgg.training.summary import format_summary
from tmgg.training.train import train

__all__ = ["ConfigError", "DenoisingModule", "TmggError", "TrainingError", "format_summary", "train"]
