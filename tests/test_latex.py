"""`show --latex`: formulas that mean what the code computes, in the paper's symbols.

The ridge closed form used to print (sqrt D + gamma - lam + 1)/2 for (sqrt D + gamma + lam - 1)/2
(the printer dropped the parentheses of an UnevaluatedExpr) and typeset ``lam`` as l·a·m. The
LaTeX is parsed back (sympy's lark LaTeX parser) and compared numerically with the expression.
"""

import re

import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics.models import ridge
from asymptotics.symbolic.system import latex_expr, latex_names, tex_symbol


def _parse_back(tex):
    lark = pytest.importorskip("lark")  # noqa: F841
    from sympy.parsing.latex import parse_latex

    return parse_latex(tex, backend="lark")


def test_ridge_closed_form_parses_back_to_the_same_function():
    names = latex_names({ridge.gamma, ridge.lam}, {"gamma": "γ", "lam": "λ"})
    pieces = ridge._ISO_KAPPA.args
    rng = np.random.default_rng(0)
    for expr, _cond in pieces:
        tex = latex_expr(expr, names)
        assert not _bare_names(tex, ["lam", "gamma"]) and r"\lambda" in tex and r"\gamma" in tex
        back = _parse_back(tex)
        g, lam = sp.Symbol("gamma"), sp.Symbol("lambda")
        assert back.free_symbols <= {g, lam}
        want = sp.lambdify((ridge.gamma, ridge.lam), expr.doit())
        got = sp.lambdify((g, lam), back)
        for gamma_, lam_ in rng.uniform(0.05, 3.0, size=(20, 2)):
            assert got(gamma_, lam_) == pytest.approx(want(gamma_, lam_), rel=1e-12)
    # and the second piece is the textbook root (sqrt D + gamma + lam - 1)/2 (HMRT Sec. 5)
    D = (ridge.gamma + ridge.lam - 1) ** 2 + 4 * ridge.lam
    assert sp.simplify(pieces[1][0].doit() - (sp.sqrt(D) + ridge.gamma + ridge.lam - 1) / 2) == 0


def test_show_latex_uses_the_papers_symbols(capsys):
    from asymptotics import cli

    assert cli.main(["show", "ridge", "--latex"]) == 0
    out = capsys.readouterr().out
    tex = out[out.index("\\begin{aligned}"):]
    assert r"\lambda" in tex and r"\gamma" in tex and r"\sigma^{2}" in tex and "r^{2}" in tex
    assert not re.search(r"(?<![\\a-zA-Z{])(lam|noise|signal)(?![a-zA-Z}])", tex)


def _bare_names(tex: str, names) -> list[str]:
    body = re.sub(r"\\(mathrm|text|operatorname)\{[^}]*\}", "", tex)
    return [n for n in names if len(n) > 1 and re.search(rf"(?<![\\a-zA-Z{{_]){re.escape(n)}(?![a-zA-Z])", body)]


def test_no_model_typesets_a_parameter_name_as_a_product_of_letters():
    # every multi-letter parameter is either its paper symbol, a Greek letter or upright
    bad = {}
    for m in asy.models.all_models():
        for v in m.variants:
            if v.is_numeric:
                continue
            tex = m.latex(v.name, **v.example)
            greek = {n for n in v.param_specs if sp.latex(sp.Symbol(n)) != n}
            found = _bare_names(tex, [n for n in v.param_specs if n not in greek])
            if found:
                bad[f"{m.name}:{v.name}"] = found
    assert not bad, bad


@pytest.mark.parametrize("text,tex", [("σ²", r"\sigma^{2}"), ("ψ₁", r"\psi_{1}"), ("γ₀²", r"\gamma_{0}^{2}"),
                                      ("F_*²", "F_{*}^{2}"), ("Δt", r"\Delta t"), ("λ", r"\lambda")])
def test_paper_symbols_in_unicode_become_latex(text, tex):
    assert tex_symbol(text) == tex
