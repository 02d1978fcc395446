"""CI's checks beyond the tests: the fault drill, the input trace, the stability check, build-event summaries."""
