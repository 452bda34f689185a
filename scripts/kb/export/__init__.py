"""Agent exports: pure functions KnowledgeBase -> file contents, and one atomic writer.

`build_exports(kb, build)` returns {file name: bytes} for kb-bundle.json, kb-bundle.schema.json,
kb-chunks.jsonl, llms.txt and llms-full.txt. Nothing here writes files except `write.py`.
"""
