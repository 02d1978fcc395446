"""Tests of ``SpectralSelfAttention`` (attention across eigenpairs) beyond the shared contract.

Rationale: the contract (tests/models/test_denoiser_contract.py) covers shape, symmetry,
gradients, equivariance, small graphs (``n < k`` included) and bad input; what is
specific is how ``n < k`` is handled. Assumptions: random weighted symmetric test
graphs (distinct eigenvalues). Invariant: the zero-padded eigenpairs are masked, so the
result does not depend on how many padding tokens there are beyond the real ones.
"""

import pytest
import torch

from tmgg.models.spectral import SpectralSelfAttention

pytestmark = pytest.mark.unit


def test_padding_tokens_do_not_change_real_ones(model_checks):
    model = SpectralSelfAttention(k=4, d_model=8, num_heads=2)
    adj = model_checks.random_symmetric(1, 3)
    wider = SpectralSelfAttention(k=6, d_model=8, num_heads=2)
    wider.load_state_dict(model.state_dict() | {"rank_embedding.weight": wider.rank_embedding.weight.detach()})
    with torch.no_grad():
        wider.rank_embedding.weight[:4] = model.rank_embedding.weight
    model_checks.assert_close(wider(adj), model(adj))
