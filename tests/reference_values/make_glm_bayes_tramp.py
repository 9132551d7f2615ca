"""Reference values for tests/reference_values/glm_bayes_tramp.json from tramp's state evolution.

Run beside the project with tramp importable (it is not a dependency of this package).
"""
import json
import time
from tramp.models import glm_state_evolution
from tramp.algos import StateEvolution, CustomInit, EarlyStopping

def se(alpha, prior, output, a0=0.0, **kw):
    model = glm_state_evolution(alpha=alpha, prior_type=prior, output_type=output, **kw)
    s = StateEvolution(model)
    s.iterate(max_iter=20000, initializer=CustomInit(a_init=[("x", "bwd", a0)]),
              callback=EarlyStopping(tol=1e-16))
    return float(s.get_variable_data(id="x")["v"]), int(s.n_iter)

rows = []
def add(alpha, prior, output, a0, ours, **kw):
    t = time.time()
    v, n = se(alpha, prior, output, a0, **kw)
    rows.append(dict(alpha=alpha, tramp_prior=prior, tramp_output=output, a0=a0, tramp_kwargs=kw,
                     v=v, n_iter=n, **ours))
    print(rows[-1], time.time() - t)

for rho, delta, alphas in [(0.5, 1e-2, [0.3, 0.5, 0.8]), (0.25, 1e-2, [0.2, 0.4]),
                           (0.5, 1e-4, [0.55, 0.6, 0.65, 0.7, 0.8])]:
    for a in alphas:
        for a0 in (0.0, 1e6):
            add(a, "gauss_bernoulli", "gaussian", a0,
                dict(prior="bernoulli-gaussian", eps=rho, channel="linear", noise=delta, init=a0),
                prior_rho=rho, output_var=delta)
add(2.0, "gaussian", "gaussian", 0.0, dict(prior="gaussian", channel="linear", noise=0.5), output_var=0.5)
for a in (0.55, 0.7):
    add(a, "binary", "gaussian", 0.0, dict(prior="rademacher", channel="linear", noise=0.01, init=0.0),
        output_var=0.01)
commit = "219479625089d70e044637edb81044c936805808"  # the tramp commit used
json.dump({"commit": commit, "rows": rows}, open("tramp_values.json", "w"), indent=1)
