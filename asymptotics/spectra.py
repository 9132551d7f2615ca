"""Covariance spectra with a target, named families, and effective ranks.

A :class:`Spectrum` holds the eigenvalues ``s_i`` of a covariance Σ and the coordinates ``β_i`` of
the target in Σ's eigenbasis; the signal power is ``Σ_i s_i β_i² = E (x'β)²``. Families:

- ``isotropic(p, signal)``: ``s_i = 1``, ``β_i² = signal / p``;
- ``two_level(p, fraction, high, low, signal, alignment)``: ``round(fraction p)`` eigenvalues equal
  to ``high``, the rest ``low``; target spread evenly (``alignment='isotropic'``) or on the high
  block only (``'top'``), scaled to power ``signal``;
- ``power_law(p, decay, source, signal)``: ``s_k = k^-decay`` and ``s_k β_k² ∝ k^-(1 + 2 decay
  source)`` for ``k = 1..p`` (the capacity/source convention of Bordelon–Canatar–Pehlevan and
  Atanasov–Zavatone-Veth–Pehlevan, arXiv:2405.00592 Sec. 5), scaled to power ``signal``.

Effective ranks (Bartlett, Long, Lugosi, Tsigler 2020, "Benign overfitting in linear regression",
PNAS, Definition 1 and Theorem 4): for eigenvalues sorted decreasingly ``λ_1 >= λ_2 >= ...``,
``r_k = Σ_{i>k} λ_i / λ_{k+1}``, ``R_k = (Σ_{i>k} λ_i)² / Σ_{i>k} λ_i²``, and
``k* = min{k >= 0 : r_k >= b n}``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import Array, Integer, Interval, ParameterError, Parameters, domain_error, param

__all__ = ["Spectrum", "isotropic", "two_level", "power_law", "effective_ranks", "k_star",
           "bllt_variance_proxy", "parse_spectrum", "SpectrumParameters"]

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)


@dataclass(frozen=True, eq=False)
class Spectrum:
    """Eigenvalues of Σ and the target's coordinates in its eigenbasis (two arrays of length p)."""

    eigenvalues: np.ndarray
    target: np.ndarray
    name: str = "custom"

    def __post_init__(self):
        s = np.asarray(self.eigenvalues, dtype=float)
        t = np.asarray(self.target, dtype=float)
        if s.ndim != 1 or s.size == 0 or not np.all(np.isfinite(s)) or np.any(s < 0):
            raise domain_error("eigenvalues", "a non-empty 1-D array of finite values >= 0", s)
        if t.shape != s.shape or not np.all(np.isfinite(t)):
            raise ParameterError(
                f"parameter 'target' must be a finite array of the same length as 'eigenvalues' "
                f"({s.size}); got shape {t.shape}")
        s, t = s.copy(), t.copy()
        s.setflags(write=False)  # immutable, like the dataclass
        t.setflags(write=False)
        object.__setattr__(self, "eigenvalues", s)
        object.__setattr__(self, "target", t)

    @property
    def dim(self) -> int:
        return self.eigenvalues.size

    @property
    def signal(self) -> float:
        """E (x'β)² = Σ_i s_i β_i²."""
        return float(np.dot(self.eigenvalues, self.target ** 2))

    def as_params(self) -> dict:
        return {"eigenvalues": self.eigenvalues, "target": self.target}


def _check(name, value, domain):
    if not np.all(domain.contains(value)):
        raise domain_error(name, domain, value)


def _scaled(eigenvalues, raw_target, signal):
    power = float(np.dot(eigenvalues, raw_target ** 2))
    return raw_target * np.sqrt(signal / power) if power > 0 else raw_target * 0.0


#: Largest spectrum built from a family: the deterministic equivalents sum over every eigenvalue
#: at each solver step (1e7 terms take about 0.1 s per step), so more is refused, not attempted.
MAX_P = 10 ** 7
_P_DOMAIN = Integer(1, MAX_P, True, True)


def isotropic(p: int, signal: float = 1.0) -> Spectrum:
    _check("p", p, _P_DOMAIN)
    _check("signal", signal, _NONNEG)
    p = int(p)
    return Spectrum(np.ones(p), np.full(p, np.sqrt(signal / p)), "isotropic")


def two_level(p: int, fraction: float = 0.1, high: float = 10.0, low: float = 1.0,
              signal: float = 1.0, alignment: str = "isotropic") -> Spectrum:
    _check("p", p, _P_DOMAIN)
    _check("fraction", fraction, Interval(0, 1, True, True))
    _check("high", high, _POS)
    _check("low", low, _NONNEG)
    _check("signal", signal, _NONNEG)
    p = int(p)
    k = int(round(fraction * p))
    s = np.where(np.arange(p) < k, float(high), float(low))
    if alignment == "isotropic":
        raw = np.ones(p)
    elif alignment == "top":
        raw = (np.arange(p) < k).astype(float)
    else:
        raise domain_error("alignment", "one of 'isotropic', 'top'", alignment)
    return Spectrum(s, _scaled(s, raw, signal), "two-level")


def power_law(p: int, decay: float = 1.5, source: float = 1.0, signal: float = 1.0) -> Spectrum:
    _check("p", p, _P_DOMAIN)
    _check("decay", decay, _POS)
    _check("source", source, _NONNEG)
    _check("signal", signal, _NONNEG)
    k = np.arange(1, int(p) + 1, dtype=float)
    s = k ** -decay
    # s_k β_k² ∝ k^-(1 + 2 decay source)  =>  β_k ∝ k^-(1 + 2 decay source - decay)/2
    raw = k ** (-(1.0 + 2.0 * decay * source - decay) / 2.0)
    return Spectrum(s, _scaled(s, raw, signal), "power-law")


_FAMILIES = {"isotropic": isotropic, "two-level": two_level, "power-law": power_law}


def parse_spectrum(text: str) -> Spectrum:
    """``"power-law:p=1000,decay=1.5,source=1"`` -> Spectrum (the command line's form)."""
    name, _, rest = text.partition(":")
    if name not in _FAMILIES:
        raise domain_error("spectrum", "one of " + ", ".join(map(repr, _FAMILIES)) +
                           " optionally followed by ':key=value,...'", text)
    kwargs = {}
    for item in filter(None, rest.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise ParameterError(f"parameter 'spectrum': expected key=value in {text!r}, got {item!r}")
        try:
            kwargs[key.strip()] = float(value)
        except ValueError:
            kwargs[key.strip()] = value.strip()
    try:
        return _FAMILIES[name](**kwargs)
    except TypeError as err:
        raise ParameterError(f"parameter 'spectrum': {err}") from None
    except ParameterError as err:  # name the argument the user typed: spectrum=power-law:p=...
        raise ParameterError(f"parameter 'spectrum' ({text!r}): {err}") from None


def _sorted(eigenvalues) -> np.ndarray:
    lam = np.sort(np.asarray(eigenvalues, dtype=float))[::-1]
    if lam.ndim != 1 or lam.size == 0 or lam[-1] < 0 or not np.all(np.isfinite(lam)):
        raise domain_error("eigenvalues", "a non-empty 1-D array of finite values >= 0", eigenvalues)
    return lam


def effective_ranks(eigenvalues) -> tuple[np.ndarray, np.ndarray]:
    """``(r, R)`` with ``r[k] = r_k`` and ``R[k] = R_k`` for ``k = 0 .. p-1`` (BLLT Definition 1).

    Entries where the tail is zero (``λ_{k+1} = 0``) are ``nan`` for r and R: the rank is not
    defined there.
    """
    lam = _sorted(eigenvalues)
    tail = np.cumsum(lam[::-1])[::-1]  # Σ_{i>k} λ_i for k = 0..p-1 (0-based λ[k] = λ_{k+1})
    tail2 = np.cumsum((lam ** 2)[::-1])[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(lam > 0, tail / lam, np.nan)
        R = np.where(tail2 > 0, tail ** 2 / tail2, np.nan)
    return r, R


def k_star(eigenvalues, n: float, b: float = 1.0) -> int | None:
    """``min{k >= 0 : r_k >= b n}``, or None if no k of this finite spectrum qualifies."""
    _check("n", n, _POS)
    _check("b", b, _POS)
    r, _ = effective_ranks(eigenvalues)
    hits = np.flatnonzero(r >= b * n)
    return int(hits[0]) if hits.size else None


def bllt_variance_proxy(eigenvalues, n: float, b: float = 1.0) -> float:
    """``k*/n + n/R_{k*}``: the order of the variance term of the min-norm interpolator (BLLT
    Theorem 4, up to universal constants and the noise level). ``inf`` if k* does not exist."""
    k = k_star(eigenvalues, n, b)
    if k is None:
        return float("inf")
    _, R = effective_ranks(eigenvalues)
    return k / n + n / R[k]


def expand_spectrum_argument(values: dict, coefficients: str = "target", scale: str = "target") -> dict:
    """Replace a ``spectrum=`` keyword (a :class:`Spectrum` or its string form) by ``eigenvalues=``
    and ``<coefficients>=``, for the Params of models that take a spectrum.

    ``scale="target"`` passes β in Σ's eigenbasis; ``scale="function"`` passes the coefficients of
    the target on the unit-norm eigenfunctions, ``sqrt(eigenvalue) β`` (kernel conventions).
    """
    if "spectrum" not in values:
        return values
    spec = values.pop("spectrum")
    spec = parse_spectrum(spec) if isinstance(spec, str) else spec
    if not isinstance(spec, Spectrum):
        raise ParameterError(
            "parameter 'spectrum' must be a Spectrum or a string such as "
            f"'power-law:p=1000,decay=1.5,source=1'; got {spec!r}")
    if "eigenvalues" in values or coefficients in values:
        raise ParameterError(f"give either 'spectrum' or 'eigenvalues' and '{coefficients}', not both")
    values["eigenvalues"] = spec.eigenvalues
    values[coefficients] = spec.target if scale == "target" else np.sqrt(spec.eigenvalues) * spec.target
    return values


def check_spectrum_arrays(model: str, eigenvalues: np.ndarray, **others) -> None:
    """Raise unless every array in ``others`` has the length of ``eigenvalues`` and at least one
    eigenvalue is positive (a model's ``Params.check``; ``model`` may be "" inside a check, where
    validation adds the model's name)."""
    where = f"{model}: " if model else ""
    for name, arr in others.items():
        if arr is not None and np.shape(arr) != np.shape(eigenvalues):
            raise ParameterError(
                f"{where}parameter '{name}' must have the length of 'eigenvalues' "
                f"({np.size(eigenvalues)}); got {np.size(arr)}")
    if not np.any(np.asarray(eigenvalues) > 0):
        raise ParameterError(f"{where}parameter 'eigenvalues' must have at least one positive entry")


@dataclass(frozen=True, kw_only=True)
class SpectrumParameters(Parameters):
    """The parameter block of every finite-p model with a covariance spectrum (a Params base).

    ``eigenvalues`` of Σ and the ``target`` (the regression vector or teacher) in Σ's eigenbasis,
    or ``spectrum=`` (a :class:`Spectrum` or its string form, e.g.
    ``"power-law:p=1000,decay=1.5,source=1"``) for both; the arrays must have one length and Σ at
    least one positive eigenvalue. A model redeclares a field to say more of it (e.g. that the
    teacher's power plays the role of ``signal``) and extends ``check`` with ``super().check()``.
    """

    eigenvalues: np.ndarray = param(domain=Array(Interval(0, np.inf, low_closed=True)),
                                    doc="eigenvalues of Σ (length p)")
    target: np.ndarray = param(domain=Array(Interval()), doc="β in Σ's eigenbasis (length p)")

    conveniences = {"spectrum": ("eigenvalues", "target")}

    @classmethod
    def expand(cls, values: dict) -> dict:
        """Accept ``spectrum=`` (a :class:`Spectrum` or its string form)."""
        return expand_spectrum_argument(values)

    def check(self) -> None:
        check_spectrum_arrays("", self.eigenvalues, target=self.target)
