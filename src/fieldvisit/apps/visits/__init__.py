"""The field visit on an agent's phone: route, brief, check-in, structured report, promises.

Read ``README.md`` beside this file.
"""
