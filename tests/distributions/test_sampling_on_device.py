"""Samplers on the fake CUDA device (``tests/fake_cuda.py``): Gamma (and what is built on it)
and VonMises draw from the device's generator and give CUDA tensors; VonMises's rejection
rounds keep their arrays on the device."""
from __future__ import annotations

import numpy as np

import npgrad as torch
from npgrad.distributions import Beta, Chi2, Dirichlet, Gamma, VonMises

from ..fake_cuda import fake_cuda


def test_gamma_rsample_and_its_gradient_stay_on_the_device():
    with fake_cuda():
        torch.manual_seed(0)
        conc = torch.tensor([0.5, 2.0, 30.0], device="cuda", requires_grad=True)
        x = Gamma(conc, torch.tensor([1.0, 2.0, 1.0], device="cuda")).rsample((2000,))
        x.sum().backward()
        assert x.device.type == "cuda" and conc.grad.device.type == "cuda"
        mean = x.detach().mean(0).cpu().numpy()  # concentration / rate
        np.testing.assert_allclose(mean, [0.5, 1.0, 30.0], rtol=0.1)
        # d E[x] / d concentration = 1 / rate, per sample on average
        np.testing.assert_allclose(conc.grad.cpu().numpy() / 2000, [1.0, 0.5, 1.0], rtol=0.1)
        for d in (Beta(torch.ones(2, device="cuda"), torch.ones(2, device="cuda")),
                  Dirichlet(torch.ones(3, device="cuda")), Chi2(torch.ones(2, device="cuda"))):
            assert d.sample().device.type == "cuda"


def test_von_mises_samples_on_the_device():
    with fake_cuda():
        torch.manual_seed(0)
        loc = torch.tensor([0.0, 1.0, -3.0], device="cuda")
        kappa = torch.tensor([0.1, 2.0, 50.0], device="cuda")
        x = VonMises(loc, kappa).sample((4000,))
        assert x.device.type == "cuda" and tuple(x.shape) == (4000, 3)
        values = x.cpu().numpy()
        assert (values >= -np.pi).all() and (values < np.pi).all()
        # the mean direction is loc where the distribution is concentrated
        angle = np.angle(np.exp(1j * values[:, 1:]).mean(0))
        np.testing.assert_allclose(angle, [1.0, -3.0], atol=0.05)
