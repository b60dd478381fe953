"""Engines that run the stack programs: embedded (mock runtime, for plans) and cloud (Automation API)."""
