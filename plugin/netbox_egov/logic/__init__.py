"""Rules that are not about Django: plain functions the plugin calls, tested directly.

No module here imports Django, NetBox or the rest of the plugin, so choice values are plain strings here,
the same as in choices.py (test_logic_imports checks both). They are the plugin's own: the collectors,
exporter and playbooks do not import them, they talk to the plugin over its REST API.
"""
