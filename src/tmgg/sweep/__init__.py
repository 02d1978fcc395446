"""A multirun's bookkeeping: each job's status record, resume, the sweep summary and Hydra's callback."""
