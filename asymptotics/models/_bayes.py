"""The Bayes-optimal scalar Gaussian channel ``Y = sqrt(r) X + Z`` for a separable prior (sympy).

Shared by ``glm-bayes`` and ``spiked-wigner``; no model is registered here. The prior is a finite
mixture (see :mod:`asymptotics.priors`): components ``k`` of weight ``w_k``, mean ``mu_k``,
variance ``s_k^2`` (``0``: an atom). With ``sigma_k^2 = 1 + r s_k^2``, the component label ``J``
has posterior ``pi_k(y) = softmax_k L_k(y)``, ``L_k = log w_k - log(sigma_k^2)/2
- (y - sqrt(r) mu_k)^2/(2 sigma_k^2)``, and within a component ``X`` is Gaussian with mean
``r_k(y) = (mu_k + sqrt(r) s_k^2 y)/sigma_k^2`` and variance ``v_k = s_k^2/sigma_k^2``.

DERIVED HERE (standard mixture identities, written so that every integrand is smooth on the unit
scale of the variable it is integrated in; tested against adaptive quadrature):

- ``mmse(r) = E Var(X | Y) = sum_k w_k v_k + sum_{j<k} E[pi_j pi_k (r_j - r_k)^2]`` (the
  between-component variance ``sum_k pi_k (r_k - rbar)^2 = sum_{j<k} pi_j pi_k (r_j - r_k)^2``);
  each pair term is integrated under its narrower component ``a``:
  ``E[pi_a pi_b g] = w_a E_{Y ~ p_a}[pi_b g]`` with ``Y = sqrt(r) mu_a + sigma_a Z``. A wide
  Gaussian component (``sigma ~ sqrt(r)``) sees the atoms only in a window of width
  ``O(1/sigma)`` of its own variable, which a fixed rule cannot resolve; under the atom the same
  term is smooth. (For the Bernoulli–Gaussian prior at ``r ~ 1e10`` this window carries a
  relative ``1e-3`` of the MMSE.)
- ``I(r) = I(X; Y) = sum_k w_k log(sigma_k^2)/2 + H(J) - H(J | Y)`` (chain rule through the
  label; ``Y`` given ``J`` is a Gaussian channel), with
  ``H(J | Y) = sum_{k != j} E[pi_j (-log pi_k) pi_k/(1 - pi_k)]`` (split ``-sum_k pi_k log pi_k``
  by the competitor's share ``pi_j/(1 - pi_k)``); the ``(k, j)`` term is again integrated under
  the narrower of ``k`` and ``j``. The integrands are bounded.
- ``m(r) = E X E(X | Y) = E X^2 - mmse(r)`` and the free entropy of the channel
  ``psi(r) = E log E_x exp(sqrt(r) Z x + r x X - r x^2/2) = r E X^2/2 - I(r)``;
  ``psi' = m/2`` (I-MMSE; tested).

Under component ``a`` every log-ratio ``L_c - L_a <= log(w_c/w_a) + log(sigma_a/sigma_c) + z^2/2``,
so the softmax is computed relative to ``a`` without overflow for ``|z| <= 12`` (the rule's range).
Gaussian expectations use the composite Gauss–Legendre rule (480 nodes): sharp posteriors of
discrete priors at high SNR are resolved to ~1e-13.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..priors import FAMILIES, Prior, as_prior, family_components
from ..symbolic import Average, gaussian_panels, softplus
from ..validation import Array, Interval, OneOf, ParameterError, param

__all__ = ["scalar_channel", "components_for", "BayesPriorParams", "PRIOR_NAMES", "MAX_COMPONENTS",
           "prior_for", "eps", "prior_var"]

eps = sp.Symbol("eps", positive=True)
prior_var = sp.Symbol("prior_var", positive=True)
_z = sp.Symbol("z_bayes", real=True)
GZ = gaussian_panels(_z, name="panels_bayes_z")

PRIOR_NAMES = tuple(FAMILIES) + ("empirical",)
#: Priors with more components are binned (Prior.binned) for the Bayes models: the equations
#: are written out over the components (cost ~ K^2 integrands).
MAX_COMPONENTS = 24


def _width_key(s2):
    """Order components from narrow to wide: atoms first, then by numeric variance, symbolic last."""
    s2 = sp.sympify(s2)
    if s2.is_zero:
        return 0.0
    return float(s2) if s2.is_number else float("inf")


def _frame(comps, a, r):
    """Under component a: node y, log-ratios d_c = L_c - L_a, within-component means r_c."""
    sr = sp.sqrt(r)
    _, mu_a, s2_a = comps[a]
    sig2_a = 1 + r * s2_a
    y = sr * mu_a + sp.sqrt(sig2_a) * _z
    d, means = [], []
    for c, (w_c, mu_c, s2_c) in enumerate(comps):
        sig2_c = 1 + r * s2_c
        means.append((mu_c + sr * s2_c * y) / sig2_c)
        if c == a:
            d.append(sp.S.Zero)
            continue
        d.append(sp.log(w_c) - sp.log(comps[a][0]) - sp.log(sig2_c / sig2_a) / 2
                 - (y - sr * mu_c) ** 2 / (2 * sig2_c) + _z ** 2 / 2)
    return d, means


def scalar_channel(comps, r):
    """``{"mmse", "info", "overlap", "psi", "second_moment", "mean"}`` of the channel
    ``Y = sqrt(r) X + Z`` for the prior with components ``[(w, mu, s2), ...]`` (sympy or numbers)."""
    comps = [tuple(sp.sympify(v) for v in c) for c in comps if not sp.sympify(c[0]).is_zero]
    K = len(comps)
    order = sorted(range(K), key=lambda k: _width_key(comps[k][2]))
    rank = {k: i for i, k in enumerate(order)}
    frames = {a: _frame(comps, a, r) for a in range(K)}

    def narrower(j, k):
        return j if rank[j] <= rank[k] else k

    within = sum(w * s2 / (1 + r * s2) for w, _, s2 in comps)
    pair_terms = []
    for j in range(K):
        for k in range(j + 1, K):
            a = narrower(j, k)
            b = k if a == j else j
            d, means = frames[a]
            if K == 2:
                pib = 1 / (1 + sp.exp(-d[b]))
            else:
                pib = sp.exp(d[b]) / sum(sp.exp(dc) for dc in d)
            pair_terms.append(comps[a][0] * Average(pib * (means[j] - means[k]) ** 2, GZ))
    mmse = within + sum(pair_terms)

    h_terms = []
    for k in range(K):
        for j in range(K):
            if j == k:
                continue
            if narrower(k, j) == k:  # under k: pi_j/(1 - pi_k) * (-log pi_k)
                d, _ = frames[k]
                if K == 2:
                    integrand = softplus(d[j])
                else:
                    share = 1 / (1 + sum(sp.exp(d[c] - d[j]) for c in range(K) if c not in (k, j)))
                    integrand = share * sp.log(sum(sp.exp(dc) for dc in d))
                h_terms.append(comps[k][0] * Average(integrand, GZ))
            else:  # under j: pi_k (-log pi_k)/(1 - pi_k), relative to j
                d, _ = frames[j]
                if K == 2:
                    # pi_k = expit(d_k): pi_k softplus(-d_k)/(1 - pi_k) = exp(d_k) softplus(-d_k)
                    integrand = sp.exp(d[k]) * softplus(-d[k])
                else:
                    total = sum(sp.exp(dc) for dc in d)
                    rest = sum(sp.exp(d[c]) for c in range(K) if c != k)
                    integrand = sp.exp(d[k]) * (sp.log(total) - d[k]) / rest
                h_terms.append(comps[j][0] * Average(integrand, GZ))
    h_label = -sum(w * sp.log(w) for w, _, _ in comps)
    info = sum(w * sp.log(1 + r * s2) / 2 for w, _, s2 in comps) + h_label - sum(h_terms)
    second = sum(w * (mu ** 2 + s2) for w, mu, s2 in comps)
    mean = sum(w * mu for w, mu, _ in comps)
    return {"mmse": mmse, "info": info, "overlap": second - mmse,
            "psi": r * second / 2 - info, "second_moment": second, "mean": mean}


# -- the prior parameters shared by the Bayes models ---------------------------------------------
_NONNEG = Interval(0, np.inf, low_closed=True)
_DOC_PRIOR = ("prior of the signal entries: 'gaussian' N(0, prior_var), 'rademacher' "
              "+-sqrt(prior_var), 'bernoulli-gaussian' (0 w.p. 1-eps, else N(0, prior_var)), "
              "'sparse-rademacher' (0 w.p. 1-eps, else +-sqrt(prior_var/eps)), 'three-point' "
              "(0 w.p. 1-eps, else +-sqrt(prior_var)), 'empirical' (components prior_values, "
              "prior_weights, prior_variances); or a Prior, an array of samples or a sympy density "
              "(see asymptotics.priors)")


@dataclass(frozen=True, kw_only=True)
class BayesPriorParams:
    """The signal prior of the Bayes-optimal models: a name, or a mixture given by data."""

    prior: str = param("gaussian", domain=OneOf(PRIOR_NAMES), doc=_DOC_PRIOR)
    eps: float = param(0.1, domain=Interval(0, 1), symbol="ρ", aliases=("rho",),
                       doc="density of non-zero entries (bernoulli-gaussian, sparse-rademacher, "
                           "three-point; ignored otherwise); eps = 1 is 'gaussian'/'rademacher'")
    prior_var: float = param(1.0, domain=Interval(0, np.inf),
                             doc="power of the prior: the variance of 'gaussian', the square of "
                                 "the +- atoms of 'rademacher'/'three-point', E X^2 of "
                                 "'sparse-rademacher', the non-zero part's variance of "
                                 "'bernoulli-gaussian'")
    prior_values: np.ndarray = param(None, domain=Array(Interval()),
                                     doc="component means of an empirical prior")
    prior_weights: np.ndarray = param(None, domain=Array(_NONNEG),
                                      doc="component probabilities of an empirical prior")
    prior_variances: np.ndarray = param(None, domain=Array(_NONNEG),
                                        doc="component variances of an empirical prior "
                                            "(default zeros: atoms)")

    @classmethod
    def expand(cls, values: dict) -> dict:
        prior = values.get("prior")
        if prior is not None and not (isinstance(prior, str) and prior in PRIOR_NAMES):
            if any(k in values for k in ("prior_values", "prior_weights", "prior_variances")):
                raise ParameterError("give either 'prior' as data or 'prior_values'/'prior_weights'")
            pr = as_prior(prior).binned(MAX_COMPONENTS)
            values.update(prior="empirical", prior_values=pr.values, prior_weights=pr.weights,
                          prior_variances=pr.variances)
        return values

    def check(self):
        if self.prior == "empirical":
            if self.prior_values is None or self.prior_weights is None:
                raise ParameterError("prior='empirical' needs 'prior_values' and 'prior_weights' "
                                     "(or pass prior=<Prior, samples or density>)")
            shapes = {a.shape for a in (self.prior_values, self.prior_weights, self.prior_variances)
                      if a is not None}
            if len(shapes) != 1:
                raise ParameterError("'prior_values', 'prior_weights' and 'prior_variances' must "
                                     "have the same length")
            total = float(np.sum(self.prior_weights))
            if abs(total - 1) > 1e-9:
                raise ParameterError(f"parameter 'prior_weights' must sum to 1; got {total:.12g}")
            if self.prior_values.size > MAX_COMPONENTS:
                raise ParameterError(
                    f"parameter 'prior_values' has {self.prior_values.size} components; the "
                    f"Bayes models take at most {MAX_COMPONENTS}: pass prior=Prior(...) (binned "
                    f"automatically) or Prior.binned()")
        elif any(a is not None for a in (self.prior_values, self.prior_weights, self.prior_variances)):
            raise ParameterError(f"'prior_values'/'prior_weights'/'prior_variances' need "
                                 f"prior='empirical', not {self.prior!r}")
        fam = FAMILIES.get(self.prior)
        if fam is not None and fam.uses_eps:
            e = np.asarray(self.eps, dtype=float)
            if np.any(e >= 1):
                raise ParameterError(f"parameter 'eps' must be in (0, 1) for prior {self.prior!r} "
                                     f"(eps = 1 is the prior 'gaussian' or 'rademacher'); got "
                                     f"{float(e.ravel()[np.argmax(e.ravel() >= 1)])!r}")


def components_for(p) -> list:
    """The components of the validated prior: sympy in ``eps``/``prior_var`` for a named
    prior, numbers for an empirical one."""
    if p.prior == "empirical":
        var = p.prior_variances if p.prior_variances is not None else np.zeros_like(p.prior_values)
        return [(float(w), float(m), float(s)) for w, m, s in
                zip(p.prior_weights, p.prior_values, var) if w > 0]
    return family_components(p.prior, eps, prior_var)


def prior_key(p) -> tuple:
    """Hashable identity of the prior's equations (for caching systems)."""
    if p.prior == "empirical":
        var = p.prior_variances if p.prior_variances is not None else np.zeros_like(p.prior_values)
        return ("empirical", p.prior_weights.tobytes(), p.prior_values.tobytes(), var.tobytes())
    return (p.prior,)


def prior_for(p, eps_value=None, var_value=None) -> Prior:
    """A numeric :class:`Prior` (for samplers and denoisers) at scalar ``eps``/``prior_var``."""
    if p.prior == "empirical":
        var = p.prior_variances if p.prior_variances is not None else None
        return Prior(p.prior_values, p.prior_weights, variances=var)
    e = float(p.eps if eps_value is None else eps_value)
    v = float(p.prior_var if var_value is None else var_value)
    return Prior.named(p.prior, e, v)
