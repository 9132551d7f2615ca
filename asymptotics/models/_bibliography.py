"""BibTeX entries cited by more than one model (each model file holds the rest of its own)."""

AZP2024 = """@article{atanasov2024scaling,
  title={Scaling and renormalization in high-dimensional regression},
  author={Atanasov, Alexander B. and Zavatone-Veth, Jacob A. and Pehlevan, Cengiz},
  journal={arXiv preprint arXiv:2405.00592}, year={2024}
}"""

CANDES_SUR2020 = """@article{candes2020phase,
  title={The phase transition for the existence of the maximum likelihood estimate in
         high-dimensional logistic regression},
  author={Cand{\\`e}s, Emmanuel J. and Sur, Pragya},
  journal={The Annals of Statistics}, volume={48}, number={1}, pages={27--42}, year={2020},
  note={arXiv:1804.09753}
}"""

GARDNER1988 = """@article{gardner1988space,
  title={The space of interactions in neural network models},
  author={Gardner, Elizabeth},
  journal={Journal of Physics A: Mathematical and General}, volume={21}, number={1},
  pages={257--270}, year={1988}
}"""
