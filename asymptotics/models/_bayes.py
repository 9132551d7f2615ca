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

from ..priors import FAMILIES, Prior, as_prior, family_components, from_params
from ..symbolic import Average, gaussian_panels, softplus
from ..validation import Array, Interval, OneOf, ParameterError, Parameters, param

__all__ = ["scalar_channel", "components_for", "BayesPriorParams", "PRIOR_NAMES", "MAX_COMPONENTS",
           "prior_for", "eps", "prior_var"]

eps = sp.Symbol("eps", positive=True)
prior_var = sp.Symbol("prior_var", positive=True)
_z = sp.Symbol("z_bayes", real=True)
GZ = gaussian_panels(_z, name="panels_bayes_z")

PRIOR_NAMES = tuple(FAMILIES) + ("empirical",)
#: Numeric mixtures with more components are evaluated by the numeric node (MixtureChannel):
#: the expanded sympy form costs ~K^3 terms to build, differentiate and compile.
SYMBOLIC_COMPONENTS = 3
#: Priors with more components are binned (Prior.binned) for the Bayes models: the equations
#: are written out over the components (cost ~ K^2 integrands).
MAX_COMPONENTS = 16


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
    if K > SYMBOLIC_COMPONENTS and all(v.is_number for c in comps for v in c):
        return _numeric_channel(comps, r)
    order = sorted(range(K), key=lambda k: _width_key(comps[k][2]))
    rank = {k: i for i, k in enumerate(order)}
    frames = {a: _frame(comps, a, r) for a in range(K)}

    def narrower(j, k):
        return j if rank[j] <= rank[k] else k

    within = sum(w * s2 / (1 + r * s2) for w, _, s2 in comps)
    # every pair {a, b} is integrated under its narrower member a: one average per frame a,
    # over the partners b in B(a); the softmax denominator S_a is shared by the frame
    partners = {a: [b for b in range(K) if b != a and narrower(a, b) == a] for a in range(K)}
    mmse_terms, h_terms, direct_terms = [], [], []
    for a in range(K):
        d, means = frames[a]
        e = [sp.exp(dc) if c != a else sp.S.One for c, dc in enumerate(d)]
        # E[X E(X|Y)] = E[E(X|Y)^2] computed directly (no cancellation at small r)
        xhat = sum(e[c] * means[c] for c in range(K)) / sum(e)
        direct_terms.append(comps[a][0] * Average(xhat ** 2, GZ))
        if not partners[a]:
            continue
        if K == 2:
            (b,) = partners[a]
            mm = (means[a] - means[b]) ** 2 / (1 + sp.exp(-d[b]))
            # (a, b): pi_b (-log pi_a)/(1 - pi_a) = softplus(d_b); (b, a): pi_b (-log pi_b)/(1 - pi_b)
            # = exp(d_b) softplus(-d_b)
            hh = softplus(d[b]) + sp.exp(d[b]) * softplus(-d[b])
        else:
            total = sum(e)
            rest = sum(e[c] for c in range(K) if c != a)
            mm = sum(e[b] * (means[a] - means[b]) ** 2 for b in partners[a]) / total
            # (a, b): pi_b (-log pi_a)/(1 - pi_a) = e_b log S_a / sum_{c != a} e_c  (the 1e-300
            # keeps 0/0 away where every partner underflows; the numerator is then 0 too)
            first = sp.log(total) * sum(e[b] for b in partners[a]) / (rest + sp.Float(1e-300))
            # (b, a): pi_b (-log pi_b)/(1 - pi_b) = e_b (log S_a - d_b)/sum_{c != b} e_c
            second = sum(e[b] * (sp.log(total) - d[b]) / sum(e[c] for c in range(K) if c != b)
                         for b in partners[a])
            hh = first + second
        mmse_terms.append(comps[a][0] * Average(mm, GZ))
        h_terms.append(comps[a][0] * Average(hh, GZ))
    mmse = within + sum(mmse_terms)
    h_label = -sum(w * sp.log(w) for w, _, _ in comps)
    info = sum(w * sp.log(1 + r * s2) / 2 for w, _, s2 in comps) + h_label - sum(h_terms)
    second = sum(w * (mu ** 2 + s2) for w, mu, s2 in comps)
    mean = sum(w * mu for w, mu, _ in comps)
    # m = E X^2 - mmse loses relative precision where m is small (r -> 0): there the direct
    # form, whose frames are all of unit width for r < 1
    overlap = sp.Piecewise((sum(direct_terms), r < 1), (second - mmse, True))
    return {"mmse": mmse, "info": info, "overlap": overlap,
            "psi": r * second / 2 - info, "second_moment": second, "mean": mean}


# -- numeric evaluation of the same identities (mixtures given by data) ------------------------
class MixtureChannel:
    """The identities above evaluated in numpy for a mixture given by numbers.

    The same frames (each pair under its narrower component, the composite Gauss–Legendre rule
    of :data:`GZ`), written with the stable forms ``log1p(R)/R`` and ``log1p(u)/u``
    (``u = (1 - pi_c)/pi_c``) so that no 0/0 or inf/inf occurs where posteriors are certain.
    Tied by a test to the symbolic form (:func:`scalar_channel` with few components).
    Cost per point ~ K^2 x 480.
    """

    def __init__(self, comps):
        from .. import integrals

        w, mu, s2 = (np.array([float(c[i]) for c in comps]) for i in range(3))
        self.w, self.mu, self.s2 = w, mu, s2
        K = w.size
        width = np.array([_width_key(v) for v in s2])
        rank = np.empty(K, int)
        rank[np.lexsort((np.arange(K), width))] = np.arange(K)
        # P[a, c]: c is a partner of frame a (a is the narrower of the pair)
        self.P = (rank[:, None] < rank[None, :]).astype(float)
        self.z, self.zw = integrals.normal_panels()
        self.second = float(np.dot(w, mu ** 2 + s2))
        self._last = None

    def evaluate(self, r):
        """(mmse, info, overlap) at the precisions r (any shape)."""
        r = np.asarray(r, dtype=float)
        key = r.tobytes() + str(r.shape).encode()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        flat = r.ravel()
        mm, info, ov = np.empty(flat.size), np.empty(flat.size), np.empty(flat.size)
        step = max(1, 400_000 // (self.w.size ** 2 * self.z.size))
        for lo in range(0, flat.size, step):
            mm[lo:lo + step], info[lo:lo + step], ov[lo:lo + step] = self._block(flat[lo:lo + step])
        ov = np.where(flat < 1, ov, self.second - mm)
        out = (mm.reshape(r.shape), info.reshape(r.shape), ov.reshape(r.shape))
        self._last = (key, out)
        return out

    def _block(self, r):
        from scipy.special import xlogy

        # Under frame a the node is y = sqrt(r) mu_a + sigma_a z, so every log-ratio and every
        # within-component mean is a polynomial in z: d_ac = al + z (be + ga z), mean_c - mean_a
        # = dm0 + dm1 z (fewer passes over the (B, K, N, K) block than evaluating y first).
        w, mu, s2, P, z = self.w, self.mu, self.s2, self.P, self.z
        K = w.size
        sr = np.sqrt(r)[:, None, None]                               # (B, 1, 1)
        sig2 = 1 + r[:, None] * s2[None, :]                          # (B, K)
        sa, sc = sig2[:, :, None], sig2[:, None, :]                  # (B, a, c)
        dmu = mu[:, None] - mu[None, :]                              # mu_a - mu_c
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            lw = np.log(w)
            al = (lw[None, None, :] - lw[None, :, None] - 0.5 * np.log(sc / sa)
                  - r[:, None, None] * dmu ** 2 / (2 * sc))
            be = -sr * dmu * np.sqrt(sa) / sc
            ga = 0.5 * (1 - sa / sc)
            # mean_c(y) = (mu_c + sqrt(r) s2_c y)/sigma_c^2 with y = sqrt(r) mu_a + sigma_a z
            m0 = (mu[None, None, :] + r[:, None, None] * s2[None, None, :] * mu[None, :, None]) / sc
            m1 = sr * s2[None, None, :] * np.sqrt(sa) / sc
            ia = np.arange(K)
            dm0 = m0 - m0[:, ia, ia][:, :, None]
            dm1 = m1 - m1[:, ia, ia][:, :, None]
            zz = z[None, None, :, None]
            d = al[:, :, None, :] + zz * (be[:, :, None, :] + ga[:, :, None, :] * zz)
            # d_aa = 0 exactly (al, be, ga vanish on the diagonal). Ratios below e^-600 are set
            # to exact zeros: they are below any float64 contribution, and denormals would make
            # every later operation ~100x slower.
            d[d < -600.0] = -np.inf
            e = np.exp(d)
            S = e.sum(axis=3)
            R = S - 1.0
            small = R < 1e-3  # R = sum_{c != a} e_c, summed without cancellation where small
            if np.any(small):
                eye = np.eye(K, dtype=bool)[None, :, None, :]
                R = np.where(small, np.where(eye, 0.0, e).sum(axis=3), R)
            pe = P[None, :, None, :] * e
            diff = dm0[:, :, None, :] + zz * dm1[:, :, None, :]
            mm_int = np.einsum("bank,bank->ban", pe, diff * diff) / S
            share = pe.sum(axis=3)
            first = np.where(R > 0, np.log1p(R) / np.where(R > 0, R, 1.0), 1.0) * share
            # g = pi (-log pi)/(1 - pi), pi = e_c/S: directly for pi < 1/2, else as log1p(u)/u
            # with u = (1 - pi)/pi = S/e - 1 (no cancellation in 1 - pi)
            pi = e / S[..., None]
            lo = pi < 0.5
            direct = -xlogy(pi, pi) / (1 - np.where(lo, pi, 0.0))
            uu = 1 / np.maximum(pi, 0.5) - 1
            near = np.where(uu > 0, np.log1p(uu) / np.where(uu > 0, uu, 1.0), 1.0)
            g = np.where(lo, direct, near)
            second = np.einsum("ak,bank->ban", P, g)
            xhat = (np.einsum("bank,bak->ban", e, m0) + z[None, None, :]
                    * np.einsum("bank,bak->ban", e, m1)) / S
        zw = self.zw
        within = (w[None, :] * s2[None, :] / sig2).sum(axis=1)
        mmse = within + np.einsum("bkn,n,k->b", mm_int, zw, w)
        h_cond = np.einsum("bkn,n,k->b", first + second, zw, w)
        info = (w[None, :] * np.log(sig2) / 2).sum(axis=1) - np.dot(w, np.log(w)) - h_cond
        direct = np.einsum("bkn,n,k->b", xhat * xhat, zw, w)
        return mmse, info, direct


_NODES: dict = {}


def _numeric_channel(comps, r):
    """mmse and info of a numeric mixture as sympy nodes backed by :class:`MixtureChannel`."""
    import hashlib

    key = hashlib.sha1(np.array([[float(v) for v in c] for c in comps]).tobytes()).hexdigest()[:12]
    if key not in _NODES:
        ch = MixtureChannel(comps)
        import mpmath as mp

        def np_mmse(x):
            return ch.evaluate(x)[0]

        def np_info(x):
            return ch.evaluate(x)[1]

        def np_overlap(x):
            return ch.evaluate(x)[2]

        def np_dmmse(x):
            # central difference in log r (step 1e-5: error ~1e-10 relative; only Newton's
            # Jacobian uses it, never a returned value)
            x = np.asarray(x, dtype=float)
            h = 1e-5
            up, dn = ch.evaluate(x * np.exp(h))[0], ch.evaluate(x * np.exp(-h))[0]
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(x > 0, (up - dn) / (2 * h * np.where(x > 0, x, 1.0)), 0.0)

        def mp_of(f):
            return lambda x: mp.mpf(float(f(np.array([float(x)]))[0]))

        dm = type(f"mixture_dmmse_{key}", (sp.Function,),
                  {"numpy_impl": staticmethod(np_dmmse), "mpmath_impl": staticmethod(mp_of(np_dmmse)),
                   "_eval_is_real": lambda self: True})
        mm = type(f"mixture_mmse_{key}", (sp.Function,),
                  {"numpy_impl": staticmethod(np_mmse), "mpmath_impl": staticmethod(mp_of(np_mmse)),
                   "fdiff": lambda self, argindex=1: dm(self.args[0]),
                   "_eval_is_real": lambda self: True})
        inf = type(f"mixture_info_{key}", (sp.Function,),
                   {"numpy_impl": staticmethod(np_info), "mpmath_impl": staticmethod(mp_of(np_info)),
                    "fdiff": lambda self, argindex=1: mm(self.args[0]) / 2,  # I-MMSE
                    "_eval_is_real": lambda self: True})
        ov = type(f"mixture_overlap_{key}", (sp.Function,),
                  {"numpy_impl": staticmethod(np_overlap), "mpmath_impl": staticmethod(mp_of(np_overlap)),
                   "fdiff": lambda self, argindex=1: -dm(self.args[0]),
                   "_eval_is_real": lambda self: True})
        _NODES[key] = (mm, inf, ov, ch)
    mm, inf, ov, ch = _NODES[key]
    second = sum(c[0] * (c[1] ** 2 + c[2]) for c in comps)
    mean = sum(c[0] * c[1] for c in comps)
    return {"mmse": mm(r), "info": inf(r), "overlap": ov(r),
            "psi": r * second / 2 - inf(r), "second_moment": second, "mean": mean}


# -- the prior parameters shared by the Bayes models ---------------------------------------------
_NONNEG = Interval(0, np.inf, low_closed=True)
DOC_PRIOR = ("prior of the signal entries: 'gaussian' N(0, prior_var), 'rademacher' "
              "+-sqrt(prior_var), 'bernoulli-gaussian' (0 w.p. 1-eps, else N(0, prior_var)), "
              "'sparse-rademacher' (0 w.p. 1-eps, else +-sqrt(prior_var/eps)), 'three-point' "
              "(0 w.p. 1-eps, else +-sqrt(prior_var)), 'empirical' (components prior_values, "
              "prior_weights, prior_variances); or a Prior, an array of samples or a sympy density "
              "(see asymptotics.priors)")


@dataclass(frozen=True, kw_only=True)
class BayesPriorParams(Parameters):
    """The signal prior of the Bayes-optimal models: a name, or a mixture given by data."""

    prior: str = param("gaussian", domain=OneOf(PRIOR_NAMES), doc=DOC_PRIOR)
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
    """A numeric :class:`Prior` of the validated params (see :func:`asymptotics.priors.from_params`)."""
    return from_params(p, eps_value, var_value)
