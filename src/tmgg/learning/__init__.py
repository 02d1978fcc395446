"""The learning check: does a job's own module, trained a few steps on one fixed tiny batch, learn?

``learning_check`` runs it on a composed launch job; ``learning_report`` holds
what it measured and the one-line failure it raises.
"""
