"""Exact parameters and verify's claims are read by the safe formula reader, never by eval."""

import pathlib

import pytest
import sympy as sp

import asymptotics as asy
from asymptotics import exact
from asymptotics.expressions import formula

ATTACKS = ["__import__('os').system('touch PWNED')", "().__class__.__bases__", "lambda: 1",
           "[x for x in (1,)]", "9**9**9", "open('x')", "exec('1')", "1; 2"]


@pytest.mark.parametrize("text", ATTACKS)
def test_exact_parameters_refuse_code(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(asy.ParameterError, match="'gamma'"):
        asy.evaluate("ridge", gamma=text, lam="1/10", precision=20)
    with pytest.raises(asy.ParameterError):
        asy.verify.value("ridge", "excess_risk", gamma="1/10", lam="1/10", claim=text, digits=20)
    assert not pathlib.Path("PWNED").exists()


def test_exact_numbers_are_read_from_their_digits():
    assert exact.parse("0.1") == sp.Rational(1, 10)
    assert exact.parse("1e-1000") == sp.Rational(1, 10 ** 1000)
    assert exact.parse("1 + 1e-30") == 1 + sp.Rational(1, 10 ** 30)
    assert exact.parse("2**-3") == sp.Rational(1, 8)
    assert formula("sqrt(26) - 5") == sp.sqrt(26) - 5
    g = sp.Symbol("gamma", positive=True)
    assert formula("lam*gamma", names={"gamma": g, "lam": sp.Symbol("lam")}).has(g)
    with pytest.raises(asy.ParameterError, match="unknown name 'gama'.*did you mean 'gamma'"):
        formula("gama + 1", names={"gamma": g})
