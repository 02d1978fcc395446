"""Which device a job asks for or is given, and whether its torch can use it.

A GPU run that lands on an environment whose torch cannot use CUDA trains on
the CPU for its whole length, or fails late. These modules catch it at the two
moments it costs seconds: preflight, from the job's config alone
(:mod:`tmgg.device.gpu_request`, :mod:`tmgg.device.cuda_support`), and a job's
start, from its host as well (:mod:`tmgg.device.device_guard`).
"""
