"""NumPy reference implementations, float64, forward and backward.

One model a module. Every function takes and returns plain ``numpy.ndarray`` objects with the
course's shapes: sequences ``(T, B, D)``, states ``(B, H)``, weights as PyTorch stores them.
"""
